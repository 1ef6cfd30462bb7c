using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Store;
using Vigil.Server;

namespace Vigil.Cli.Tests;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs the <c>vigil</c> command line in-process with captured output and a fake environment.</summary>
public sealed class Cli
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public Dictionary<string, string> Environment { get; } = new() { ["USER"] = "alice" };

    public FakeTimeProvider Time { get; } = new(Now);

    public Func<string?, string, IVigilStore>? OpenStore { get; set; }

    public List<ServeOptions> Served { get; } = [];

    /// <summary>What the server does once <c>vigil serve</c> starts it (default: exits 0 at once).</summary>
    public Func<ServeOptions, CancellationToken, Task<int>> Serve { get; set; } = (_, _) => Task.FromResult(0);

    /// <summary>Makes the writer standard output goes to (a test may watch how it is written).</summary>
    public Func<StringWriter> NewStdout { get; set; } = () => new StringWriter();

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    public async Task<CliResult> RunAsync(CancellationToken ct, params string[] args)
    {
        var stdout = NewStdout();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            GetEnvironment = name => Environment.TryGetValue(name, out var value) ? value : null,
            Time = Time,
            Width = 200,
            OpenStore = OpenStore ?? ((_, _) => throw new InvalidOperationException("no store in this test")),
            RunServer = (options, ct) =>
            {
                Served.Add(options);
                return Serve(options, ct);
            },
        };
        var code = await CliApp.RunAsync(args, context, ct);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
