using System.ComponentModel;
using System.Globalization;
using System.Reactive.Linq;
using Fal.Reactive;

namespace RxConsole.Binding;

/// <summary>
/// The <c>bind</c> command: how a WPF, Avalonia or MAUI view consumes a request. Statuses are observed on a
/// single-threaded UI context and projected into view-model properties; each property change is printed
/// with the thread it happened on. A second request is started and its Cancel button clicked while it runs.
/// </summary>
internal static class BindCommand
{
    /// <returns>0 when the first request completed, the second was cancelled, and every change was on the UI thread.</returns>
    public static async Task<int> RunAsync(SampleOptions options)
    {
        await using var backend = await FalBackend.StartAsync(options);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var ui = new UiEventLoop("UI");
        var prompt = options.Prompts.Count > 0 ? options.Prompts[0] : PromptSource.Defaults[0];
        var offThread = 0;

        Console.WriteLine($"{options.App} on {backend.Description}");
        Console.WriteLine($"main thread {Environment.CurrentManagedThreadId}; UI thread {ui.ThreadId}. Each line: [thread] view model.Property = value");
        Console.WriteLine();

        // The "view": what a binding engine does on PropertyChanged, reading the property on the UI thread.
        void Bind(RequestViewModel vm, string name) => vm.PropertyChanged += (sender, e) =>
        {
            if (!ui.IsOnLoopThread)
            {
                Interlocked.Increment(ref offThread);
            }

            var value = typeof(RequestViewModel).GetProperty(e.PropertyName!)!.GetValue(vm);
            var text = value switch
            {
                null => "null",
                string s => $"\"{ProgressView.Shorten(s, 70)}\"",
                bool b => b ? "true" : "false",
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            Console.WriteLine($"[thread {Environment.CurrentManagedThreadId,2}] {name}.{e.PropertyName} = {text}");
        };

        IObservable<FalStatus> Statuses(string text) =>
            backend.Client.Submit(options.App, new { prompt = text, num_inference_steps = options.Steps ?? 25 },
                    new FalSubmitOptions { WithLogs = true, PollInterval = options.PollInterval })
                .ObserveOn(ui); // every notification is posted to the UI thread, as a Dispatcher would

        // 1. A request bound to a view model, to the end.
        using var first = await ui.InvokeAsync(() =>
        {
            var vm = new RequestViewModel();
            Bind(vm, "first");
            vm.Start(Statuses(prompt));
            return vm;
        });
        if (!await Within(first.Finished, options.Timeout))
        {
            Console.WriteLine($"The first request did not finish within {options.Timeout.TotalSeconds:0.#}s (--timeout).");
            return 1;
        }

        Console.WriteLine();

        // 2. Another one; the user clicks Cancel once it runs: the command disposes the subscription.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var second = await ui.InvokeAsync(() =>
        {
            var vm = new RequestViewModel();
            Bind(vm, "second");
            vm.PropertyChanged += (_, e) =>
            {
                if (e.PropertyName == nameof(RequestViewModel.State) && vm.State == "Running")
                {
                    running.TrySetResult();
                }
            };
            vm.Start(Statuses(prompt + ", at night"));
            return vm;
        });
        await Within(Task.WhenAny(running.Task, second.Finished), options.Timeout);
        await Task.Delay(200);
        Console.WriteLine($"[thread {Environment.CurrentManagedThreadId,2}] (user clicks Cancel: posted to the UI thread)");
        await ui.InvokeAsync(second.Cancel);
        await backend.SettleAsync();
        Console.WriteLine();

        var states = await backend.EmulatorStatesAsync(http);
        Console.WriteLine($"first: {first.State}; second: {second.State}; property changes off the UI thread: {offThread}.");
        if (states is not null)
        {
            Console.WriteLine($"Emulator request states (GET /_emulator/requests): {string.Join(", ", states.Select(s => $"{s.Value} {s.Key}"))}.");
        }

        return first.State == "Done" && second.State == "Cancelled" && offThread == 0 ? 0 : 1;
    }

    private static async Task<bool> Within(Task task, TimeSpan timeout) =>
        await Task.WhenAny(task, Task.Delay(timeout)) == task;
}
