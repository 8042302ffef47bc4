using System.Text.Json;
using System.Text.Json.Nodes;

namespace BrowserCheck;

/// <summary>What the checks do to the page: navigate, set inputs as a user would, click, wait for a condition.</summary>
internal sealed class PageDriver(CdpSession cdp, CancellationToken cancellationToken)
{
    public Task NavigateAsync(Uri url) =>
        cdp.SendAsync("Page.navigate", new JsonObject { ["url"] = url.AbsoluteUri }, cancellationToken);

    public Task<JsonElement> EvaluateAsync(string expression) => cdp.EvaluateAsync(expression, cancellationToken);

    /// <summary>Sets an input's value and fires the event Blazor's <c>@bind</c> listens to (<c>change</c>, or <c>input</c>).</summary>
    public Task SetValueAsync(string selector, string value, string eventName = "change") => EvaluateAsync(
        $"(() => {{ const e = document.querySelector({Js(selector)}); e.value = {Js(value)}; e.dispatchEvent(new Event({Js(eventName)}, {{ bubbles: true }})); return true; }})()");

    public Task ClickAsync(string selector) => EvaluateAsync(
        $"(() => {{ const e = document.querySelector({Js(selector)}); if (!e) throw new Error('no ' + {Js(selector)}); e.click(); return true; }})()");

    /// <summary>Polls a JavaScript condition every 100 ms until it is true; throws with the description after the timeout.</summary>
    public async Task WaitUntilAsync(string condition, TimeSpan timeout, string description)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            var value = await cdp.EvaluateAsync($"!!({condition})", limit.Token).ConfigureAwait(false);
            if (value.ValueKind == JsonValueKind.True)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Not within {timeout.TotalSeconds:0} s: {description}.");
            }
        }
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var shot = await cdp.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" }, cancellationToken).ConfigureAwait(false);
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    /// <summary>A JavaScript string literal.</summary>
    public static string Js(string text) => JsonSerializer.Serialize(text);
}
