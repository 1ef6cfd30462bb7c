using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Storage;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// A real Vigil server (Kestrel on a random loopback port, real storage) for API tests, with an admin token.
/// </summary>
public sealed class RunningVigil : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDatabase _database;
    private readonly bool _ownsDatabase;

    private RunningVigil(WebApplication app, TestDatabase database, bool ownsDatabase, Uri address, string adminToken)
    {
        _app = app;
        _database = database;
        _ownsDatabase = ownsDatabase;
        Address = address;
        AdminToken = adminToken;
        Client = NewClient(adminToken);
    }

    public Uri Address { get; }

    public string AdminToken { get; }

    /// <summary>A client authenticated as admin.</summary>
    public HttpClient Client { get; }

    public TestDatabase Database => _database;

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Another alert pipeline, started, on this server's services and configuration (or <paramref name="config"/>) over
    /// <paramref name="store"/>: a second server on the same database, or one whose storage fails (an InterceptedStore).
    /// </summary>
    public async Task<Vigil.Server.Pipeline.AlertPipeline> StartPipelineAsync(IVigilStore store, TimeProvider? time = null,
        Vigil.Server.Pipeline.ConfigHolder? config = null)
    {
        var pipeline = new Vigil.Server.Pipeline.AlertPipeline(store, time ?? TimeProvider.System, Services.GetRequiredService<Vigil.Server.Pipeline.ChangeFeed>(),
            config ?? Services.GetRequiredService<Vigil.Server.Pipeline.ConfigHolder>(), Services.GetRequiredService<ServerSettings>(),
            Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), Services.GetRequiredService<Vigil.Server.Notifications.OutboxSignal>());
        await pipeline.StartAsync(CancellationToken.None);
        return pipeline;
    }

    public static async Task<RunningVigil> StartAsync(Backend backend, string? configYaml = null, bool demo = false, TimeProvider? time = null)
    {
        var database = await TestDatabase.CreateAsync(backend);
        return await StartAsync(database, ownsDatabase: true, configYaml, demo, time);
    }

    /// <summary>Starts a server on an existing database (e.g. to check what survives a restart).</summary>
    /// <param name="takeLease">Take the database's server lease as <c>vigil serve</c> does (waiting while another server
    /// holds it). Off by default: many tests run a second server beside the first on purpose (caches, races, restarts).</param>
    public static async Task<RunningVigil> StartAsync(TestDatabase database, bool ownsDatabase, string? configYaml = null, bool demo = false,
        TimeProvider? time = null, bool takeLease = false, CancellationToken ct = default)
    {
        string? configFile = null;
        if (configYaml is not null)
        {
            configFile = Path.Combine(database.DataDirectory, "test-config.yml");
            await File.WriteAllTextAsync(configFile, configYaml);
        }
        var adminToken = await CreateTokenAsync(database, "test-admin", Role.Admin);
        var options = new ServeOptions("http://127.0.0.1:0", database.DataDirectory, database.ConnectionString, configFile, demo, takeLease);
        var app = await VigilServer.BuildAsync(options, time, ct);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningVigil(app, database, ownsDatabase, new Uri(address), adminToken);
    }

    /// <summary>Creates a token directly in storage, as <c>vigil tokens bootstrap</c> does.</summary>
    public static async Task<string> CreateTokenAsync(TestDatabase database, string name, Role role)
    {
        await using var store = StoreFactory.Open(database.ConnectionString, database.DataDirectory);
        await store.MigrateAsync();
        var secret = TokenSecrets.Generate();
        var changes = new ChangeSet();
        changes.Tokens.Add(new ApiToken(TokenSecrets.NewId(), name, role, TokenSecrets.Hash(secret), DateTimeOffset.UtcNow, "test"));
        await store.ApplyAsync([changes]);
        return secret;
    }

    /// <summary>Issues a token through the API (as an admin), optionally bound to a user; returns its secret.</summary>
    public async Task<string> IssueTokenAsync(string name, string role, string? user = null)
    {
        using var response = await Client.PostAsync("/api/v1/tokens", Http.Json(new { name, role, user }));
        var body = await response.ReadJsonAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["token"]!.GetValue<string>();
    }

    /// <summary>Waits (up to 20 s) for the incident list to hold one, and returns the newest one's id.</summary>
    public async Task<long> NewestIncidentIdAsync()
    {
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            id = (await Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault()?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), "an incident");
        return id;
    }

    public HttpClient NewClient(string? token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async Task StopAsync()
    {
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await _app.StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }
        await _app.DisposeAsync();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync();
        }
    }
}
