// Shared by Fal.Reactive.Journal.Sqlite and Fal.Reactive.Journal.PostgreSql (linked into each, not public): the two
// journals store a key in the same columns and must read and write them alike, or a key written by one rule would be
// read by another (the contract tests run against both).
using System.Data.Common;
using System.Text.Json;

namespace Fal.Reactive;

/// <summary>The journal's row: its columns, how an entry is read from them and how an outcome is written to them.</summary>
internal static class JournalRows
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string Columns =
        "key, app_id, state, input_hash, submitting_at, request_id, output, location, error_message, error_status, error_type, error_detail, ended_at, lease_owner, lease_expires_at";

    public const int Pending = (int)FalJournalState.Pending;
    public const int Submitting = (int)FalJournalState.Submitting;
    public const int Submitted = (int)FalJournalState.Submitted;
    public const int Finished = (int)FalJournalState.Succeeded; // states at or above this have an outcome

    public static FalJournalEntry Read(DbDataReader r) => new(r.GetString(0), r.GetString(1))
    {
        State = (FalJournalState)r.GetInt32(2),
        InputHash = Text(r, 3),
        SubmittingAt = Time(r, 4),
        RequestId = Text(r, 5),
        Output = Text(r, 6) is { } output ? JsonDocument.Parse(output).RootElement.Clone() : null,
        Location = Text(r, 7),
        Error = Text(r, 8) is { } message
            ? new FalJournalError(message) { StatusCode = r.IsDBNull(9) ? null : r.GetInt32(9), ErrorType = Text(r, 10), Detail = Text(r, 11) }
            : null,
        EndedAt = Time(r, 12),
        LeaseOwner = Text(r, 13),
        LeaseExpiresAt = Time(r, 14),
    };

    /// <summary>Adds the outcome's parameters (<c>@state @output @location @error_message @error_status @error_type @error_detail</c>).</summary>
    public static void AddOutcome(DbCommand command, FalJournalOutcome outcome)
    {
        Add(command, "state", (int)outcome.State);
        Add(command, "output", outcome.Output is { } output ? output.GetRawText() : null);
        Add(command, "location", outcome.Location);
        Add(command, "error_message", outcome.Error?.Message);
        Add(command, "error_status", outcome.Error?.StatusCode);
        Add(command, "error_type", outcome.Error?.ErrorType);
        Add(command, "error_detail", outcome.Error?.Detail);
    }

    /// <summary>Adds the lease's parameters (<c>@owner @now @expires</c>), times as UTC ticks.</summary>
    public static void AddLease(DbCommand command, FalJournalLease lease)
    {
        Add(command, "owner", lease.Owner);
        Add(command, "now", lease.Now.UtcTicks);
        Add(command, "expires", lease.ExpiresAt.UtcTicks);
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public static FalJournalException LeaseLost(string key, FalJournalEntry? entry) =>
        new(entry is null
            ? $"Key '{key}' is not in the journal."
            : $"Key '{key}' was taken over by worker '{entry.LeaseOwner}' (the lease lapsed): this worker stopped working it.")
        {
            Key = key,
            Failure = FalJournalFailure.LeaseLost,
            RequestId = entry?.RequestId,
        };

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : new DateTimeOffset(r.GetInt64(i), TimeSpan.Zero);
}
