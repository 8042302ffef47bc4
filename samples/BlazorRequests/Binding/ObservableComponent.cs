using System.Reactive.Disposables;
using Microsoft.AspNetCore.Components;

namespace BlazorRequests.Binding;

/// <summary>
/// A component that binds observables (a request's <c>IObservable&lt;FalStatus&gt;</c>, a realtime connection's
/// results) to its state. Copy this file into your own Blazor app; it has no dependency beyond Rx and ASP.NET Core.
/// </summary>
/// <remarks>
/// <para>
/// The rules it keeps, which Blazor requires and the library's statuses need:
/// </para>
/// <list type="bullet">
/// <item>Notifications arrive on the client's scheduler (the thread pool). Each one is marshalled onto the
/// component's render context with <see cref="ComponentBase.InvokeAsync(Action)"/> (the renderer's dispatcher, a
/// single logical thread per circuit), the state change runs there, then one <see cref="ComponentBase.StateHasChanged"/>:
/// one render per notification, in the order Rx delivered them (the dispatcher runs work in the order it is queued).</item>
/// <item>Disposing the component (the user navigates away, closes the tab, the circuit ends) disposes every binding:
/// for a request that is <c>PUT cancel_url</c> on fal, so a closed page leaves nothing running and nothing billed
/// beyond what ran. A notification already queued when the component is disposed is dropped, never applied.</item>
/// <item>Disposing one binding (a Cancel button) is the same cancellation, for that request only.</item>
/// </list>
/// </remarks>
public abstract class ObservableComponent : ComponentBase, IDisposable
{
    private readonly CompositeDisposable _bindings = [];
    private bool _disposed;

    /// <summary>Gets whether the component has been disposed (its bindings with it).</summary>
    protected bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>
    /// Subscribes to <paramref name="source"/> and applies each notification on the render context, followed by a
    /// render. Call it from the render context (a lifecycle method or an event handler).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The observable; subscribing starts it (for <c>fal.Submit</c>: submits the request).</param>
    /// <param name="onNext">Applies an element to the component's state.</param>
    /// <param name="onError">Applies the terminal error (a typed <c>FalException</c>, a <c>TimeoutException</c>).</param>
    /// <param name="onCompleted">Applies the completion.</param>
    /// <returns>The binding: dispose it to stop (and cancel) this one source; the component disposes what is left.</returns>
    protected IDisposable Bind<T>(IObservable<T> source, Action<T> onNext, Action<Exception>? onError = null, Action? onCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(onNext);
        ObjectDisposedException.ThrowIf(IsDisposed, this);

        var binding = new SingleAssignmentDisposable();
        _bindings.Add(binding);
        binding.Disposable = source.Subscribe(
            value => Post(binding, () => onNext(value), terminal: false),
            error => Post(binding, () => (onError ?? (e => throw e))(error), terminal: true),
            () => Post(binding, () => onCompleted?.Invoke(), terminal: true));
        return Disposable.Create(() => _bindings.Remove(binding)); // Remove disposes it
    }

    /// <summary>Disposes every binding (cancelling the requests still running) and drops queued notifications.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the bindings; override to release more, calling the base.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            Volatile.Write(ref _disposed, true);
            _bindings.Dispose();
        }
    }

    private void Post(SingleAssignmentDisposable binding, Action apply, bool terminal) =>
        // Not awaited: Rx observers are synchronous. InvokeAsync queues on the dispatcher (or runs inline when the
        // caller is already on it, as a bUnit test's is).
        _ = InvokeAsync(() =>
        {
            // Queued before the page closed or the binding was disposed (a Cancel click): never applied, no render.
            if (IsDisposed || binding.IsDisposed)
            {
                return;
            }

            if (terminal)
            {
                _bindings.Remove(binding);
            }

            try
            {
                apply();
            }
#pragma warning disable CA1031 // handed to the renderer, as an event handler's exception would be (an error boundary shows it)
            catch (Exception e)
#pragma warning restore CA1031
            {
                _ = DispatchExceptionAsync(e);
                return;
            }

            StateHasChanged();
        });
}
