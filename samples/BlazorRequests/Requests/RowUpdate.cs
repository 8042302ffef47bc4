using Fal.Reactive;

namespace BlazorRequests.Requests;

/// <summary>One notification of a batch, for one row: its request was subscribed, sent a status, or failed.</summary>
/// <param name="Row">The row it is for.</param>
/// <param name="Status">The status; null for the start and for an error.</param>
/// <param name="Error">The error that ended the request; null otherwise.</param>
public sealed record RowUpdate(RequestRow Row, FalStatus? Status, Exception? Error)
{
    /// <summary>Applies the update to its row, on the render context.</summary>
    public void ApplyTo(DateTimeOffset now)
    {
        if (Error is not null)
        {
            Row.Fail(Error, now);
        }
        else if (Status is not null)
        {
            Row.Apply(Status, now);
        }
        else
        {
            Row.Start(now);
        }
    }
}
