
namespace Fal.Reactive.Testing;

/// <summary>
/// Schedules a change of the model <paramref name="dueTime"/> from now. The facade runs it under its lock, then
/// publishes the status changes and runs the deferred work, as for a change caused by an HTTP call.
/// </summary>
internal delegate IDisposable ScheduleChange(TimeSpan dueTime, Action<DeferredActions> change);
