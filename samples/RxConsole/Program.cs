using RxConsole;
using RxConsole.Binding;
using Spectre.Console;

SampleOptions options;
try
{
    options = SampleOptions.Parse(args);
}
catch (FormatException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

if (Console.IsOutputRedirected)
{
    // Redirected output has no width; Spectre would assume 80 columns and wrap the tables.
    AnsiConsole.Profile.Width = 160;
}

return options.Command switch
{
    SampleCommand.Help => PrintHelp(),
    SampleCommand.Bind => await BindCommand.RunAsync(options),
    _ when options.Journal is not null => await JournalCommand.RunAsync(options),
    _ => await BatchCommand.RunAsync(options),
};

static int PrintHelp()
{
    Console.WriteLine(SampleOptions.HelpText);
    return 0;
}
