using System.Net.Http.Json;
using System.Text.Json;
using BrowserCheck;

// Drives the running samples/BlazorRequests app in headless Chromium over the DevTools protocol and checks what a
// user sees, and what the emulator holds, after each step. Prints one line per check and "browser: N passed, N failed".
//   BrowserCheck --app http://127.0.0.1:5180/ [--chromium /usr/bin/chromium] [--screenshot page.png]
var app = new Uri(Arg("--app") ?? "http://127.0.0.1:5180/");
var chromiumPath = Arg("--chromium") ?? "/usr/bin/chromium";
var screenshotPath = Arg("--screenshot");
using var total = new CancellationTokenSource(TimeSpan.FromMinutes(4)); // the whole run is bounded
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

var passed = 0;
var failed = 0;
await using var chromium = await Chromium.StartAsync(chromiumPath, total.Token);
await using var cdp = await chromium.ConnectToPageAsync(http, total.Token);
var page = new PageDriver(cdp, total.Token);
var checks = new Checks(page, http, app, screenshotPath);

await Check("the page loads and goes interactive", checks.LoadAsync);
await Check("a batch of three prompts completes with three images shown", checks.BatchOfThreeAsync);
await Check("mid-batch: a screenshot with images, progress, a queued and a waiting row", checks.MidBatchScreenshotAsync);
await Check("Cancel on a running row: the row says so and the emulator shows it cancelled", checks.CancelRunningRowAsync);
await Check("Cancel all: every active row cancelled, nothing left running on the emulator", checks.CancelAllAsync);
await Check("leaving the page cancels its running requests on the emulator", checks.LeavePageAsync);
await Check("realtime mode: the image follows the typing", checks.RealtimeAsync);
await Check("closing the tab cancels its running requests on the emulator", () => checks.CloseTabAsync(cdp));

Console.WriteLine($"browser: {passed} passed, {failed} failed");
return failed == 0 ? 0 : 1;

async Task Check(string name, Func<Task> check)
{
    try
    {
        await check();
        passed++;
        Console.WriteLine($"ok: {name}");
    }
#pragma warning disable CA1031 // a failed check is reported and counted; the next one still runs
    catch (Exception e)
#pragma warning restore CA1031
    {
        failed++;
        Console.WriteLine($"FAILED: {name}: {e.GetType().Name}: {e.Message}");
    }
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>The steps, in order (each builds on the page the previous one left).</summary>
internal sealed class Checks(PageDriver page, HttpClient http, Uri app, string? screenshotPath)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private Uri? _emulator;

    public async Task LoadAsync()
    {
        await page.NavigateAsync(app);
        await page.WaitUntilAsync("document.querySelector('h1[data-interactive=true]')", Wait, "the circuit connected (h1 data-interactive)");
        var url = (await page.EvaluateAsync("document.querySelector('#backend').dataset.emulatorUrl")).GetString();
        _emulator = string.IsNullOrEmpty(url) ? throw new InvalidOperationException("The app does not run against an emulator.") : new Uri(url);
    }

    public async Task BatchOfThreeAsync()
    {
        await RunBatchAsync(["a lighthouse at dawn", "a fox in the snow", "a city of glass"], concurrency: 3, steps: 25);
        await page.WaitUntilAsync(
            "document.querySelectorAll('tr.request').length === 3 && [...document.querySelectorAll('tr.request')].every(r => r.dataset.state === 'Completed' && r.querySelector('img.result')?.complete && r.querySelector('img.result').naturalWidth > 0)",
            Wait, "three rows Completed, each with its image loaded");
        var states = await EmulatorStatesAsync(await RequestIdsAsync());
        Expect(states.Count == 3 && states.Values.All(s => s == "completed"), $"the emulator holds the three completed: {Show(states)}");
    }

    public async Task MidBatchScreenshotAsync()
    {
        // Three at a time on the emulator's two workers, 2.4 s each: after the first two complete, two run, one is
        // queued on the emulator and the rest wait for a slot of Merge(3).
        await RunBatchAsync(["a red kite over hills", "a harbour at night", "a forest in fog", "a desert road", "a paper boat", "a tin robot"], concurrency: 3, steps: 60);
        await page.WaitUntilAsync(
            "(() => { const rows = [...document.querySelectorAll('tr.request')]; const done = rows.filter(r => r.dataset.state === 'Completed' && r.querySelector('img.result')?.naturalWidth > 0); const running = rows.filter(r => r.dataset.state === 'Running' && r.querySelector('progress').value > 0.15); return done.length >= 2 && running.length >= 1 && rows.some(r => r.dataset.state === 'Queued') && rows.some(r => r.dataset.state === 'Waiting'); })()",
            Wait, "two rows completed with images, one running with progress, one queued, one waiting");
        if (screenshotPath is not null)
        {
            await File.WriteAllBytesAsync(screenshotPath, await page.ScreenshotAsync());
        }
    }

    public async Task CancelRunningRowAsync()
    {
        await page.WaitUntilAsync("document.querySelector('tr.request[data-state=Running][data-request-id]')", Wait, "a running row with a request id");
        var id = (await page.EvaluateAsync(
            "(() => { const r = document.querySelector('tr.request[data-state=Running][data-request-id]'); r.querySelector('button.cancel').click(); return r.dataset.requestId; })()")).GetString()!;
        await page.WaitUntilAsync($"document.querySelector('tr.request[data-request-id=\"{id}\"]').dataset.state === 'Cancelled'", Wait, "the row says Cancelled");
        await WaitForEmulatorAsync([id], "cancelled", "the clicked request cancelled on the emulator");
    }

    public async Task CancelAllAsync()
    {
        await page.ClickAsync("#cancel-all");
        await page.WaitUntilAsync(
            "[...document.querySelectorAll('tr.request')].every(r => r.dataset.state === 'Completed' || r.dataset.state === 'Cancelled')",
            Wait, "every row Completed or Cancelled");
        var ids = await RequestIdsAsync();
        await WaitForEmulatorAsync(ids, null, "no request of the batch left queued or running on the emulator");
        var never = (await page.EvaluateAsync("[...document.querySelectorAll('tr.request[data-state=Cancelled]')].filter(r => !r.dataset.requestId).length")).GetInt32();
        Expect(ids.Count + never == 6, $"six rows: {ids.Count} submitted, {never} never submitted");
    }

    public async Task LeavePageAsync()
    {
        await RunBatchAsync(["a slow one", "another slow one"], concurrency: 2, steps: 100);
        await page.WaitUntilAsync(
            "document.querySelectorAll('tr.request[data-request-id]:is([data-state=Running],[data-state=Queued])').length === 2",
            Wait, "both requests submitted and not finished");
        var ids = await RequestIdsAsync();
        await page.ClickAsync("nav a[href=about]");
        await page.WaitUntilAsync("document.querySelector('#left')", Wait, "the About page");
        await WaitForEmulatorAsync(ids, "cancelled", "both requests cancelled on the emulator");
    }

    public async Task RealtimeAsync()
    {
        await page.ClickAsync("nav a[href='']");
        await page.WaitUntilAsync("document.querySelector('#realtime')", Wait, "the requests page again");
        await page.EvaluateAsync("(() => { const c = document.querySelector('#realtime'); c.checked = true; c.dispatchEvent(new Event('change', { bubbles: true })); return true; })()");
        await page.WaitUntilAsync("document.querySelector('#realtime-panel')", Wait, "the realtime panel");
        foreach (var text in new[] { "a red", "a red bicycle", "a blue bicycle" })
        {
            await page.SetValueAsync("#prompts", text, "input");
        }

        await page.WaitUntilAsync(
            "document.querySelector('#realtime-image')?.naturalWidth > 0 && document.querySelector('.realtime-prompt').textContent.startsWith('a blue bicycle')",
            Wait, "the image of the last text typed");
    }

    public async Task CloseTabAsync(CdpSession cdp)
    {
        await page.EvaluateAsync("(() => { const c = document.querySelector('#realtime'); c.checked = false; c.dispatchEvent(new Event('change', { bubbles: true })); return true; })()");
        await page.WaitUntilAsync("!document.querySelector('#run').disabled", Wait, "Run batch enabled again (realtime off)");
        await RunBatchAsync(["left running", "left running too"], concurrency: 2, steps: 100);
        await page.WaitUntilAsync(
            "document.querySelectorAll('tr.request[data-request-id]:is([data-state=Running],[data-state=Queued])').length === 2",
            Wait, "both requests submitted and not finished");
        var ids = await RequestIdsAsync();
        await cdp.SendAsync("Page.close", null, CancellationToken.None); // the user closes the tab
        await WaitForEmulatorAsync(ids, "cancelled", "both requests cancelled on the emulator");
    }

    private async Task RunBatchAsync(string[] prompts, int concurrency, int steps)
    {
        await page.SetValueAsync("#prompts", string.Join('\n', prompts), "input");
        await page.SetValueAsync("#concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.SetValueAsync("#steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#run");
        await page.WaitUntilAsync(
            $"document.querySelectorAll('tr.request').length === {prompts.Length} && document.querySelector('tr.request .prompt').textContent === {PageDriver.Js(prompts[0])}",
            Wait, "the new batch's rows");
    }

    private async Task<IReadOnlyList<string>> RequestIdsAsync() =>
        (await page.EvaluateAsync("[...document.querySelectorAll('tr.request[data-request-id]')].map(r => r.dataset.requestId)"))
            .EnumerateArray().Select(e => e.GetString()!).Where(s => s.Length > 0).ToList();

    /// <summary>Waits until each request is in <paramref name="state"/> on the emulator (null: any final state).</summary>
    private async Task WaitForEmulatorAsync(IReadOnlyCollection<string> ids, string? state, string description)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        IReadOnlyDictionary<string, string> states;
        do
        {
            states = await EmulatorStatesAsync(ids);
            if (states.Count == ids.Count && states.Values.All(s => state is null ? s is "completed" or "failed" or "cancelled" : s == state))
            {
                return;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < until);
        throw new InvalidOperationException($"{description}: {Show(states)}");
    }

    private async Task<IReadOnlyDictionary<string, string>> EmulatorStatesAsync(IReadOnlyCollection<string> ids)
    {
        var list = await http.GetFromJsonAsync<JsonElement>(new Uri(_emulator!, "_emulator/requests"));
        return list.EnumerateArray()
            .Where(r => ids.Contains(r.GetProperty("request_id").GetString()!))
            .ToDictionary(r => r.GetProperty("request_id").GetString()!, r => r.GetProperty("state").GetString()!);
    }

    private static string Show(IReadOnlyDictionary<string, string> states) =>
        states.Count == 0 ? "(none found)" : string.Join(", ", states.Select(s => $"{s.Key[..8]} {s.Value}"));

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("expected " + what);
        }
    }
}
