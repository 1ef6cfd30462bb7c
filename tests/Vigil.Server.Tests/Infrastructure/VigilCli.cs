using Vigil.Cli;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>Runs the <c>vigil</c> command in-process against a running server, as its admin.</summary>
public static class VigilCli
{
    public static async Task<string> RunOkAsync(RunningVigil vigil, params string[] args)
    {
        var (code, output, error) = await RunAsync(vigil, args);
        Assert.True(code == 0, $"vigil {string.Join(' ', args)} → exit {code}\n{output}\n{error}");
        return output;
    }

    public static async Task<(int Code, string Out, string Error)> RunAsync(RunningVigil vigil, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new Dictionary<string, string> { ["VIGIL_URL"] = vigil.Address.ToString(), ["VIGIL_TOKEN"] = vigil.AdminToken };
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            GetEnvironment = name => environment.GetValueOrDefault(name),
            Width = 200,
        };
        var code = await CliApp.RunAsync(args, context);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
