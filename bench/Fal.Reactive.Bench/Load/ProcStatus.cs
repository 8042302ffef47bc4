using System.Globalization;

namespace Fal.Reactive.Bench.Load;

/// <summary>One reading of <c>/proc/&lt;pid&gt;/status</c> (Linux): resident memory now and at its peak, and the thread count.</summary>
internal sealed record ProcStatus(long RssKb, long PeakRssKb, int Threads)
{
    public static ProcStatus Self() => Read("self");

    public static ProcStatus Of(int pid) => Read(pid.ToString(CultureInfo.InvariantCulture));

    public static string Mb(long kb) => (kb / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB";

    private static ProcStatus Read(string pid)
    {
        long rss = 0, peak = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kb(line);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = (int)Kb(line);
            }
        }

        return new ProcStatus(rss, peak, threads);
    }

    private static long Kb(string line) =>
        // "VmRSS:\t  12345 kB", "Threads:\t17": the number is the second field.
        long.Parse(line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
