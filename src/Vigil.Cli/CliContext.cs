using Spectre.Console;
using Vigil.Core.Store;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Cli;

/// <summary>Everything a command touches outside itself, so tests can substitute each part.</summary>
public sealed class CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Reads an environment variable (null when unset or empty).</summary>
    public Func<string, string?> GetEnvironment { get; init; } = name =>
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    };

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Opens the store for offline commands (default: <see cref="StoreFactory.Open"/>).</summary>
    public Func<string?, string, IVigilStore> OpenStore { get; init; } = StoreFactory.Open;

    /// <summary>Runs the server for <c>vigil serve</c> (default: <see cref="VigilServer.RunAsync"/>).</summary>
    public Func<ServeOptions, CancellationToken, Task<int>> RunServer { get; init; } = VigilServer.RunAsync;

    /// <summary>Optional handler for the HTTP client (tests); null uses a normal socket handler.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Fixed console width for tables; null detects the terminal.</summary>
    public int? Width { get; init; }

    /// <summary>Whether to use colours and other ANSI sequences (only when writing to a real terminal).</summary>
    public bool Ansi { get; init; }

    private IAnsiConsole? _console;

    /// <summary>Spectre console writing to <see cref="Out"/>.</summary>
    public IAnsiConsole Console => _console ??= CreateConsole();

    private IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = Ansi ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Ansi ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Out),
        });
        if (Width is { } width)
        {
            console.Profile.Width = width;
        }
        return console;
    }

    /// <summary>The real process: stdout, stderr, environment, system clock.</summary>
    public static CliContext FromProcess() => new()
    {
        Out = System.Console.Out,
        Error = System.Console.Error,
        Ansi = !System.Console.IsOutputRedirected,
        Width = System.Console.IsOutputRedirected ? 200 : null,
    };
}
