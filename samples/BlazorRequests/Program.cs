using BlazorRequests;
using BlazorRequests.Components;

// The requests go to fal.ai with FAL_KEY set, else to an emulator in this process (as samples/RxConsole does).
await using var backend = await SampleBackend.StartAsync(args);

var builder = WebApplication.CreateBuilder(args);

// blazor.web.js comes from the framework's static web assets, which ASP.NET Core maps by itself only in Development:
// `dotnet run` from source serves them in any environment (a published app has them in its wwwroot instead).
builder.WebHost.UseStaticWebAssets();
builder.Services.AddSingleton(backend);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"Requests go to the {backend.Description}. Open {string.Join(", ", app.Urls)}; Ctrl+C stops."));
await app.RunAsync();

// Closing the app disposes the client after the circuits: whatever a page left running is cancelled on fal.
