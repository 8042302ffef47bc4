namespace Fal.Reactive;

/// <summary>
/// Some of fal's model error types: the <see cref="FalValidationError.Type"/> of a field error an app answers (fal's
/// "model errors", each documented at <c>https://docs.fal.ai/errors/#&lt;type&gt;</c>). Compare with
/// <see cref="FalValidationError.Type"/>; fal adds types over time, so treat any other value as a field error too.
/// </summary>
public static class FalModelErrorTypes
{
    /// <summary>An image input could not be loaded (not an image, or not one the app can read).</summary>
    public const string ImageLoadError = "image_load_error";

    /// <summary>A file input's URL could not be downloaded.</summary>
    public const string FileDownloadError = "file_download_error";

    /// <summary>An image input is larger than the app accepts (the error's context names the limits).</summary>
    public const string ImageTooLarge = "image_too_large";

    /// <summary>The input or output was refused by a content policy; retrying the same input will not help.</summary>
    public const string ContentPolicyViolation = "content_policy_violation";
}
