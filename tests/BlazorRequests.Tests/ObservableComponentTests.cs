using System.Reactive.Linq;
using System.Reactive.Subjects;
using BlazorRequests.Binding;
using BlazorRequests.Tests.Support;
using Fal.Reactive;
using Fal.Reactive.Testing;

namespace BlazorRequests.Tests;

/// <summary>The binding rules of <see cref="ObservableComponent"/>, on bUnit's renderer, in virtual time.</summary>
public sealed class ObservableComponentTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly SimulatedFal _fal = new();

    [Fact]
    public void Statuses_are_applied_in_order_with_one_render_each()
    {
        var emitted = new List<string>();
        var statuses = _fal.Client.Submit(SampleBackend.DefaultApp, new { prompt = "a lighthouse", num_inference_steps = 25 }, new FalSubmitOptions { WithLogs = true })
            .Do(status => emitted.Add(StatusProbe.Describe(status))); // what the request emitted, where it emitted it

        var probe = Render(statuses);
        _fal.Advance(5);

        emitted.Should().HaveCountGreaterThan(3).And.EndWith("completed");
        probe.Instance.Applied.Should().Equal([.. emitted, "end"]);
        // Exactly one render after each notification: the first status (the submit's answer, given at once by the
        // simulator) comes during OnInitialized, so the first render shows it; every later one gets its own render.
        probe.Instance.RendersBefore.Should().Equal(Enumerable.Range(0, emitted.Count + 1));
        probe.RenderCount.Should().Be(emitted.Count + 1);
        probe.FindAll("li").Select(li => li.TextContent).Should().Equal([.. emitted, "end"]);
    }

    [Fact]
    public async Task Statuses_from_another_thread_are_applied_on_the_render_context()
    {
        using var statuses = new Subject<FalStatus>();
        var probe = Render(statuses);

        await Task.Run(() =>
        {
            statuses.OnNext(new Queued("r1", 2));
            statuses.OnNext(new Queued("r1", 1));
            statuses.OnNext(new InProgress("r1", null));
        });

        probe.Instance.Applied.Should().Equal("queued 2", "queued 1", "running 0 logs");
        probe.Instance.AppliedOnRenderContext.Should().Equal(true, true, true);
        probe.RenderCount.Should().Be(4);
    }

    [Fact]
    public async Task Disposing_the_component_cancels_the_request_on_fal()
    {
        var statuses = _fal.Client.Submit(SampleBackend.DefaultApp, new { prompt = "a slow one", num_inference_steps = 100 }, new FalSubmitOptions { WithLogs = true });
        var probe = Render(statuses);
        _fal.AdvanceUntil(() => _fal.States is [FalSimulatedRequestState.Running]);
        var component = probe.Instance;
        var applied = component.Applied.Count;

        await _context.DisposeComponentsAsync(); // the user navigates away
        _fal.Advance(10);

        _fal.States.Should().Equal(FalSimulatedRequestState.Cancelled);
        component.Applied.Should().HaveCount(applied, "nothing is applied after the component is disposed");
    }

    [Fact]
    public async Task Nothing_is_applied_or_rendered_after_dispose_and_the_subscription_is_released()
    {
        using var statuses = new Subject<FalStatus>();
        var probe = Render(statuses);
        statuses.OnNext(new Queued("r1", 0));
        var component = probe.Instance;
        var renders = component.Renders;

        await _context.DisposeComponentsAsync();
        statuses.HasObservers.Should().BeFalse("disposal unsubscribes");
        statuses.OnNext(new InProgress("r1", null));
        statuses.OnCompleted();

        component.Applied.Should().Equal("queued 0");
        component.Renders.Should().Be(renders);
    }

    [Fact]
    public async Task A_status_queued_on_the_dispatcher_before_dispose_is_dropped()
    {
        using var statuses = new Subject<FalStatus>();
        var probe = Render(statuses);
        var component = probe.Instance;

        // The render context is busy (an event handler runs) when a status arrives from the client's scheduler: it is
        // queued behind the handler. The handler closes the page; the queued status then runs on a disposed component.
        // (From the thread pool: on bUnit's test thread the handler would run inline without holding the context.)
        var dispatcher = _context.Renderer.Dispatcher;
        await Task.Run(() => dispatcher.InvokeAsync(() =>
        {
            // Blocking on purpose: the handler holds the render context while another thread posts (a thread of its
            // own: Task.Wait would run an unstarted task inline, here, on the render context).
            var scheduler = new Thread(() => statuses.OnNext(new Queued("r1", 3)));
            scheduler.Start();
            scheduler.Join();
            component.Applied.Should().BeEmpty("the dispatcher is busy: the status waits in its queue");
            component.Dispose();
        }));
        await Task.Run(() => dispatcher.InvokeAsync(() => { })); // queued after the status: the status has run

        component.Applied.Should().BeEmpty();
        component.Renders.Should().Be(1);
    }

    [Fact]
    public async Task Disposing_one_binding_stops_its_updates_and_cancels_its_request()
    {
        var statuses = _fal.Client.Submit(SampleBackend.DefaultApp, new { prompt = "cancel me", num_inference_steps = 100 }, new FalSubmitOptions { WithLogs = true });
        var probe = Render(statuses);
        _fal.AdvanceUntil(() => _fal.States is [FalSimulatedRequestState.Running]);
        var renders = probe.RenderCount;

        await probe.InvokeAsync(() => probe.Instance.Binding!.Dispose()); // a Cancel button, on the render context
        _fal.Advance(10);

        _fal.States.Should().Equal(FalSimulatedRequestState.Cancelled);
        probe.RenderCount.Should().Be(renders);
        probe.IsDisposed.Should().BeFalse("the component lives on; only that binding ended");
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _fal.Dispose();
    }

    private IRenderedComponent<StatusProbe> Render(IObservable<FalStatus> statuses) =>
        _context.Render<StatusProbe>(p => p
            .Add(c => c.Source, statuses)
            .Add(c => c.OnRenderContext, _context.Renderer.Dispatcher.CheckAccess));
}
