namespace Fal.Reactive;

/// <summary>
/// An upload failed for a reason of its own: a stream shorter than its declared length, a multipart part that still failed
/// after its retries, or a multipart upload fal did not complete. Nothing was stored under a URL you were given.
/// </summary>
public class FalUploadException : FalException
{
    /// <summary>Initializes a new instance of the <see cref="FalUploadException"/> class.</summary>
    public FalUploadException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FalUploadException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public FalUploadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FalUploadException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public FalUploadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
