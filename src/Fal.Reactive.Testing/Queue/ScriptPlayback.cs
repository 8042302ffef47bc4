using System.Reactive.Concurrency;

namespace Fal.Reactive.Testing;

/// <summary>Plays a running request's script: its logs and, on a direct <c>/stream</c> call, its partial outputs, each at its offset.</summary>
internal sealed class ScriptPlayback(IScheduler scheduler, ScheduleChange after, StatusChanges changes)
{
    /// <summary>Emits the script logs that are due and schedules the next one.</summary>
    public void EmitDueLogs(RequestRecord record)
    {
        var logs = record.Script.Logs;
        var elapsed = Elapsed(record);
        while (record.NextLog < logs.Count && logs[record.NextLog].Offset <= elapsed)
        {
            EmitLog(record, logs[record.NextLog++]);
        }

        if (record.NextLog < logs.Count && logs[record.NextLog].Offset < record.Script.RunTime)
        {
            record.LogTimer = after(logs[record.NextLog].Offset - elapsed, _ => EmitDueLogs(record));
        }
    }

    /// <summary>Logs due at or after the run end appear with the completion.</summary>
    public void EmitRemainingLogs(RequestRecord record)
    {
        while (record.NextLog < record.Script.Logs.Count)
        {
            EmitLog(record, record.Script.Logs[record.NextLog++]);
        }
    }

    /// <summary>Sends the stream events that are due on a direct <c>/stream</c> call and schedules the next one.</summary>
    public void SendDueEvents(RequestRecord record, DeferredActions deferred)
    {
        if (record.OutputStream is not { } stream)
        {
            return;
        }

        var events = record.Script.StreamEvents;
        var elapsed = Elapsed(record);
        while (record.NextEvent < events.Count && events[record.NextEvent].Offset <= elapsed)
        {
            deferred.Add(stream.Append(Sse.Event(events[record.NextEvent++].Data)));
        }

        if (record.NextEvent < events.Count && events[record.NextEvent].Offset < record.Script.RunTime)
        {
            record.EventTimer = after(events[record.NextEvent].Offset - elapsed, d => SendDueEvents(record, d));
        }
    }

    private TimeSpan Elapsed(RequestRecord record) => scheduler.Now - record.StartedAt!.Value;

    private void EmitLog(RequestRecord record, ScriptLog log)
    {
        record.Logs.Add(new EmittedLog(log.Message, log.Level, scheduler.Now));
        changes.Changed(record);
    }
}
