namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// A real <c>vigil serve</c> process (not the in-process host) on a database, for tests that kill it with SIGKILL.
/// </summary>
public sealed class VigilProcess : IDisposable
{
    private VigilProcess(BackgroundProcess server, HttpClient client)
    {
        Server = server;
        Client = client;
    }

    public BackgroundProcess Server { get; }

    /// <summary>A client carrying the token given at start.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts the server on a free loopback port and waits until it is ready.</summary>
    public static async Task<VigilProcess> StartAsync(TestDatabase database, string token, string? configFile = null)
    {
        var url = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
        List<string> args = [Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "serve", "--urls", url, "--data-dir", database.DataDirectory];
        if (database.ConnectionString is not null)
        {
            args.AddRange(["--database", database.ConnectionString]);
        }
        if (configFile is not null)
        {
            args.AddRange(["--config", configFile]);
        }
        var server = ExternalProcess.StartBackground("dotnet", args);
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await Eventually.TrueAsync(async () => (await client.GetAsync("/-/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60),
            () => "vigil serve to become ready\n" + server.Output);
        return new VigilProcess(server, client);
    }

    public void Kill() => Server.Kill();

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
