using BlazorRequests.Components.Pages;
using BlazorRequests.Tests.Support;
using Fal.Reactive.Testing;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorRequests.Tests;

/// <summary>The page of live requests on bUnit's renderer, against the test kit's simulator in virtual time.</summary>
public sealed class LiveRequestsPageTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private readonly SimulatedFal _fal = new();

    public LiveRequestsPageTests()
    {
        _context.Services.AddSingleton(_fal.Backend);
        _context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void A_batch_runs_every_prompt_to_its_image_at_most_n_at_once()
    {
        var page = RunBatch(["a lighthouse", "a fox", "a city"], concurrency: 1, steps: 25);

        _fal.AdvanceUntil(() => _fal.States is [FalSimulatedRequestState.Running]);
        _fal.Advance(0.5);
        _fal.Simulator.Requests.Should().HaveCount(1, "Merge(1): the next prompt waits for a slot");
        Rows(page).Should().Equal("Running", "Waiting", "Waiting");

        _fal.AdvanceUntil(() => Rows(page).All(s => s == "Completed"));
        _fal.States.Should().Equal(FalSimulatedRequestState.Completed, FalSimulatedRequestState.Completed, FalSimulatedRequestState.Completed);
        page.FindAll("img.result").Select(img => img.GetAttribute("src")).Should().Equal(
            "https://v3.fal.media/files/a%20lighthouse.png", "https://v3.fal.media/files/a%20fox.png", "https://v3.fal.media/files/a%20city.png");
        page.Find("tr.request .log").TextContent.Should().Be("Step 25/25");
        page.Find("tr.request progress").GetAttribute("value").Should().Be("1");
    }

    [Fact]
    public void A_row_shows_its_queue_position_and_progress_from_the_logs()
    {
        var page = RunBatch(["one", "two", "three"], concurrency: 3, steps: 50);

        _fal.AdvanceUntil(() => Rows(page).Count(s => s == "Running") == 2 && Rows(page)[2] == "Queued");
        page.FindAll("tr.request .state")[2].TextContent.Trim().Should().Be("Queued (0 ahead)");
        _fal.AdvanceUntil(() => page.Find("tr.request .log").TextContent == "Step 25/50");
        page.Find("tr.request progress").GetAttribute("value").Should().Be("0.5");
    }

    [Fact]
    public void Cancel_on_a_row_cancels_that_request_on_fal_and_the_batch_goes_on()
    {
        var page = RunBatch(["first", "second", "third"], concurrency: 2, steps: 50);
        _fal.AdvanceUntil(() => Rows(page).Take(2).All(s => s == "Running"));

        page.FindAll("button.cancel")[0].Click();
        page.FindAll("tr.request .state")[0].TextContent.Trim().Should().Be("Cancelled on fal");
        _fal.AdvanceUntil(() => Rows(page).Skip(1).All(s => s == "Completed"));

        _fal.States.Should().Equal(FalSimulatedRequestState.Cancelled, FalSimulatedRequestState.Completed, FalSimulatedRequestState.Completed);
        Rows(page).Should().Equal("Cancelled", "Completed", "Completed");
    }

    [Fact]
    public void A_row_cancelled_while_it_waits_for_a_slot_is_never_submitted()
    {
        var page = RunBatch(["first", "second"], concurrency: 1, steps: 25);
        _fal.AdvanceUntil(() => Rows(page)[0] == "Running");

        page.FindAll("button.cancel")[1].Click();
        _fal.AdvanceUntil(() => Rows(page)[0] == "Completed");
        _fal.Advance(5);

        _fal.States.Should().Equal(FalSimulatedRequestState.Completed);
        Rows(page).Should().Equal("Completed", "Cancelled");
        page.FindAll("tr.request .state")[1].TextContent.Trim().Should().Be("Cancelled (never submitted)");
    }

    [Fact]
    public void Cancel_all_cancels_what_runs_and_submits_nothing_that_waits()
    {
        var page = RunBatch(["a", "b", "c", "d"], concurrency: 2, steps: 50);
        _fal.AdvanceUntil(() => Rows(page).Take(2).All(s => s == "Running"));

        page.Find("#cancel-all").Click();
        _fal.Advance(10);

        _fal.States.Should().Equal(FalSimulatedRequestState.Cancelled, FalSimulatedRequestState.Cancelled);
        Rows(page).Should().Equal("Cancelled", "Cancelled", "Cancelled", "Cancelled");
        page.FindAll("tr.request .state")[3].TextContent.Trim().Should().Be("Cancelled (never submitted)");
    }

    [Fact]
    public async Task Leaving_the_page_cancels_on_fal_what_still_runs()
    {
        var page = RunBatch(["a", "b", "c"], concurrency: 2, steps: 50);
        _fal.AdvanceUntil(() => Rows(page).Take(2).All(s => s == "Running"));
        var renders = page.RenderCount;

        await _context.DisposeComponentsAsync(); // navigating away disposes the page
        _fal.Advance(10);

        _fal.States.Should().Equal(FalSimulatedRequestState.Cancelled, FalSimulatedRequestState.Cancelled);
        page.RenderCount.Should().Be(renders, "a disposed page does not render again");
    }

    [Fact]
    public void The_deadline_disposes_the_request_which_is_cancelled_on_fal_and_the_row_says_so()
    {
        var page = RunBatch(["too slow"], concurrency: 1, steps: 100, deadlineSeconds: 2); // 4 s of work

        _fal.AdvanceUntil(() => Rows(page)[0] == "DeadlinePassed");
        _fal.Advance(1);

        _fal.States.Should().Equal(FalSimulatedRequestState.Cancelled);
        page.Find("tr.request .error b").TextContent.Should().Be("TimeoutException");
        page.Find("tr.request .elapsed").TextContent.Should().Be("2.0 s");
    }

    [Fact]
    public void A_failed_request_shows_its_typed_error()
    {
        var page = RunBatch(["fail", "fine"], concurrency: 2, steps: 25);

        _fal.AdvanceUntil(() => Rows(page).All(s => s is "Failed" or "Completed"));

        Rows(page).Should().Equal("Failed", "Completed");
        page.Find("tr.request .error").TextContent.Should().Be("FalHttpException HTTP 422: prompt refused");
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _fal.Dispose();
    }

    private static List<string> Rows(IRenderedComponent<LiveRequests> page) =>
        page.FindAll("tr.request").Select(row => row.GetAttribute("data-state")!).ToList();

    private IRenderedComponent<LiveRequests> RunBatch(string[] prompts, int concurrency, int steps, int deadlineSeconds = 30)
    {
        var page = _context.Render<LiveRequests>();
        page.Find("#prompts").Input(string.Join('\n', prompts));
        page.Find("#concurrency").Change(concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.Find("#steps").Change(steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.Find("#deadline").Change(deadlineSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.Find("#run").Click();
        return page;
    }
}
