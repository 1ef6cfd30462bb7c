using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Config;
using Vigil.Core.LogPatterns;
using Vigil.Core.Store;
using Vigil.Server.Logs;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Logs;

/// <summary>
/// Log sources are forgotten (found by a review: once <c>logs.max_sources</c> sources had ever sent, every new source was
/// skipped for good — answered 200, so shippers counted the lines delivered — even across restarts).
/// </summary>
public abstract class LogSourceLifetimeTests(Backend backend) : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: default
        receivers:
          - name: default
        logs:
          max_sources: 3
          source_ttl: 1h
        """;

    // Near the real time: the server's own retention prunes counts by the real clock.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private IVigilStore RealStore => _vigil.Services.GetRequiredService<IVigilStore>();

    private LogIngest IngestOn(IVigilStore store, ILogger<LogIngest>? logger = null) => new(store, _vigil.Services.GetRequiredService<AlertPipeline>(),
        _vigil.Services.GetRequiredService<ConfigHolder>(), _clock, logger ?? NullLogger<LogIngest>.Instance);

    private static LogBatch Text(string source, string text) => LogBatchParser.ParseText(Encoding.UTF8.GetBytes(text), source, null).Batch!;

    private async Task<string[]> StoredSourcesAsync() => [.. (await RealStore.ListLogSourcesAsync()).Select(s => s.Source).Order(StringComparer.Ordinal)];

    private static Task<LogsAccepted> SendAsync(LogIngest ingest, string source) =>
        ingest.IngestAsync(Text(source, $"worker {source} started\nworker {source} stopped\n"), CancellationToken.None);

    [Fact]
    public async Task A_source_silent_for_source_ttl_is_forgotten_frees_its_place_and_stays_gone_after_a_restart()
    {
        var ingest = IngestOn(RealStore);
        await ingest.RestoreAsync(CancellationToken.None);
        foreach (var source in new[] { "a", "b", "c" })
        {
            await SendAsync(ingest, source);
        }
        Assert.Equal(2, (await SendAsync(ingest, "d")).Reasons[SkipReasons.SourceLimit]);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await SendAsync(ingest, "b");
        _clock.Advance(TimeSpan.FromMinutes(45));

        // "a" and "c" have been silent 75 minutes, "b" 45: only those two go, with their templates and counts.
        Assert.Equal(2, await ingest.ForgetStaleAsync(CancellationToken.None));
        Assert.Equal(["b"], await StoredSourcesAsync());
        Assert.Empty(await RealStore.ListLogTemplatesAsync("a", LogTemplateOrder.Id, 100));
        Assert.Empty(await RealStore.ListLogCountsAsync("a", 0));
        Assert.Equal(0, await ingest.ForgetStaleAsync(CancellationToken.None));

        // Their places are free, and "a" sending again starts afresh (its old miner does not come back).
        Assert.Equal(2, (await SendAsync(ingest, "d")).Accepted);
        Assert.Equal(2, (await SendAsync(ingest, "a")).Accepted);
        var a = (await RealStore.ListLogSourcesAsync()).Single(s => s.Source == "a");
        Assert.Equal(2L, a.Lines);
        Assert.Equal(2L, (await RealStore.ListLogTemplatesAsync("a", LogTemplateOrder.Id, 100)).Sum(t => t.Count));

        // A restart does not bring "c" back: the three stored sources fill the limit, so "e" is still refused...
        _clock.Advance(TimeSpan.FromMinutes(20));
        var restarted = IngestOn(RealStore);
        await restarted.RestoreAsync(CancellationToken.None);
        Assert.Equal(["a", "b", "d"], await StoredSourcesAsync());
        Assert.Equal(2, (await SendAsync(restarted, "e")).Reasons[SkipReasons.SourceLimit]);

        // ...and "b", silent 65 minutes, is not forgotten in the first hour after the start (shippers resend what they
        // buffered while Vigil was down); then it goes, with "a" and "d", silent for 81 minutes by then.
        Assert.Equal(0, await restarted.ForgetStaleAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(3, await restarted.ForgetStaleAsync(CancellationToken.None));
        Assert.Equal(2, (await SendAsync(restarted, "e")).Accepted);
    }

    [Fact]
    public async Task A_line_arriving_while_its_source_is_forgotten_starts_the_source_afresh()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var ingest = IngestOn(store);
        await SendAsync(ingest, "a");
        Task<LogsAccepted>? late = null;
        hook.BeforeApply = sets =>
        {
            // The request takes the source's state before the deletion commits and waits for its gate.
            if (late is null && sets.Any(s => s.DeletedLogSources.Count > 0))
            {
                late = ingest.IngestAsync(Text("a", "disk sda1 full\n"), CancellationToken.None);
            }
            return Task.CompletedTask;
        };

        Assert.True(await ingest.DeleteAsync("a", "test", CancellationToken.None));
        Assert.NotNull(late);
        Assert.Equal(1, (await late).Accepted);

        // Only the late line: the forgotten source's lines and templates were not written back with it.
        Assert.Equal(1L, (await RealStore.ListLogSourcesAsync()).Single(s => s.Source == "a").Lines);
        var template = Assert.Single(await RealStore.ListLogTemplatesAsync("a", LogTemplateOrder.Id, 100));
        Assert.Equal(("disk sda1 full", 1L), (template.Template, template.Count));
    }

    [Fact]
    public async Task A_delete_whose_commit_fails_changes_nothing()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var ingest = IngestOn(store);
        await SendAsync(ingest, "a");
        hook.BeforeApply = sets => sets.Any(s => s.DeletedLogSources.Count > 0)
            ? throw new IOException("disk full (simulated)")
            : Task.CompletedTask;

        await Assert.ThrowsAsync<IOException>(() => ingest.DeleteAsync("a", "test", CancellationToken.None));
        await SendAsync(ingest, "a");

        // Still mined where it was (4 lines, not a fresh source's 2), and a delete that works still finds it.
        Assert.Equal(4L, (await RealStore.ListLogSourcesAsync()).Single(s => s.Source == "a").Lines);
        hook.BeforeApply = null;
        Assert.True(await ingest.DeleteAsync("a", "test", CancellationToken.None));
        Assert.Empty(await StoredSourcesAsync());
    }

    [Fact]
    public async Task A_refused_source_is_warned_about_once_an_hour()
    {
        var logger = new ListLogger();
        var ingest = IngestOn(RealStore, logger);
        foreach (var source in new[] { "a", "b", "c" })
        {
            await SendAsync(ingest, source);
        }

        for (var i = 0; i < 5; i++)
        {
            await SendAsync(ingest, "d");
        }
        await SendAsync(ingest, "e");
        Assert.Equal(["d", "e"], logger.Warnings.Select(w => w.Source));
        Assert.Contains("logs.max_sources (3)", logger.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("12 lines refused", logger.Warnings[1].Message, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromMinutes(61));
        await SendAsync(ingest, "d");
        Assert.Equal(["d", "e", "d"], logger.Warnings.Select(w => w.Source));
    }

    [Fact]
    public async Task The_hourly_retention_forgets_idle_sources_on_the_servers_clock()
    {
        await using var vigil = await RunningVigil.StartAsync(backend, Config, time: _clock);
        var store = vigil.Services.GetRequiredService<IVigilStore>();
        using (var content = new StringContent("worker started\n", Encoding.UTF8, "text/plain"))
        using (var response = await vigil.Client.PostAsync("/api/v1/logs?source=a", content))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        _clock.Advance(TimeSpan.FromHours(1));

        await Eventually.TrueAsync(async () => (await store.ListLogSourcesAsync()).Count == 0, TimeSpan.FromSeconds(20), "source a forgotten");
    }

    [Fact]
    public async Task An_admin_deletes_a_source_so_a_refused_one_is_accepted_and_a_responder_may_not()
    {
        async Task<System.Text.Json.Nodes.JsonNode> PostAsync(string source)
        {
            using var content = new StringContent($"worker {source} started\n", Encoding.UTF8, "text/plain");
            using var response = await _vigil.Client.PostAsync($"/api/v1/logs?source={source}", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.ReadJsonAsync();
        }
        foreach (var source in new[] { "a", "b", "c" })
        {
            await PostAsync(source);
        }
        Assert.Equal(1, (await PostAsync("d"))["reasons"]![SkipReasons.SourceLimit]!.GetValue<int>());

        using var responder = _vigil.NewClient(await _vigil.IssueTokenAsync("delete-responder", "responder"));
        using (var denied = await responder.DeleteAsync("/api/v1/logs/sources/a"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }
        using (var unknown = await _vigil.Client.DeleteAsync("/api/v1/logs/sources/nope"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.StartsWith("No log source \"nope\"", (await unknown.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        using (var deleted = await _vigil.Client.DeleteAsync("/api/v1/logs/sources/a"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var again = await _vigil.Client.DeleteAsync("/api/v1/logs/sources/a"))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        Assert.Equal(["b", "c"], await StoredSourcesAsync());
        Assert.Equal(1, (await PostAsync("d"))["accepted"]!.GetValue<int>());
        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=10")).AsArray();
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "log_source.delete" && e["target"]!.GetValue<string>() == "log_source/a"
            && e["actor"]!.GetValue<string>() == "test-admin");
    }

    /// <summary>Keeps the warnings logged, with their source.</summary>
    private sealed class ListLogger : ILogger<LogIngest>
    {
        public List<(string Source, string Message)> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                Warnings.Add((values.First(v => v.Key == "Source").Value?.ToString() ?? "", formatter(state, exception)));
            }
        }
    }
}

public sealed class LogSourceLifetimeOnSqlite() : LogSourceLifetimeTests(Backend.Sqlite);

public sealed class LogSourceLifetimeOnPostgres() : LogSourceLifetimeTests(Backend.Postgres);
