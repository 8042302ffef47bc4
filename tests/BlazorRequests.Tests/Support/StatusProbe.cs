using BlazorRequests.Binding;
using Fal.Reactive;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace BlazorRequests.Tests.Support;

/// <summary>A component bound to one status stream with <see cref="ObservableComponent"/>: records what it applied, and where.</summary>
internal sealed class StatusProbe : ObservableComponent
{
    [Parameter, EditorRequired]
    public required IObservable<FalStatus> Source { get; set; }

    /// <summary>Whether the caller is on the renderer's dispatcher (the test passes the renderer's <c>CheckAccess</c>).</summary>
    [Parameter, EditorRequired]
    public required Func<bool> OnRenderContext { get; set; }

    public List<string> Applied { get; } = [];

    public List<bool> AppliedOnRenderContext { get; } = [];

    /// <summary>The number of renders the component had done when each line was applied.</summary>
    public List<int> RendersBefore { get; } = [];

    public int Renders { get; private set; }

    public IDisposable? Binding { get; private set; }

    public static string Describe(FalStatus status) => status switch
    {
        Queued q => $"queued {q.Position}",
        InProgress p => $"running {p.Logs?.Count ?? 0} logs",
        Completed => "completed",
        _ => status.GetType().Name,
    };

    protected override void OnInitialized() => Binding = Bind(
        Source,
        status => Record(Describe(status)),
        error => Record("error " + error.GetType().Name),
        () => Record("end"));

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Renders++;
        builder.OpenElement(0, "ol");
        foreach (var line in Applied)
        {
            builder.OpenElement(1, "li");
            builder.AddContent(2, line);
            builder.CloseElement();
        }

        builder.CloseElement();
    }

    private void Record(string line)
    {
        Applied.Add(line);
        AppliedOnRenderContext.Add(OnRenderContext());
        RendersBefore.Add(Renders);
    }
}
