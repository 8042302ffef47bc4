namespace RxConsole;

/// <summary>The -o folder, checked before any request is sent: images of paid requests must have somewhere to go.</summary>
internal static class OutputFolder
{
    /// <summary>Creates the folder and proves it writable; on failure, one line saying why.</summary>
    public static bool TryPrepare(string path, out string? error)
    {
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = $"-o: cannot write to '{path}': {e.Message}";
            return false;
        }
    }
}
