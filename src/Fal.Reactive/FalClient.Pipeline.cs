namespace Fal.Reactive;

// The pipeline: read-only access to what the client sends through, for the feature packages and for users.
public partial class FalClient
{
    private FalPipeline? _pipeline;

    /// <summary>
    /// Gets what this client sends through and waits on: its <see cref="System.Net.Http.HttpClient"/>, fal's hosts as
    /// configured and its scheduler (<see cref="FalPipeline"/>).
    /// </summary>
    public virtual FalPipeline Pipeline =>
        // Immutable: two threads racing here build equal pipelines.
        _pipeline ??= new FalPipeline(_http, _context.Options.QueueUrl, _context.Options.RunUrl, _context.Options.RestUrl, _context.Scheduler);
}
