using System.Text.Json;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Security;
using Vigil.Core.Silences;
using Vigil.Core.Store;

namespace Vigil.Cli.Tests;

public sealed class TokensCommandTests : IAsyncLifetime
{
    private readonly Cli _cli = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-bootstrap-").FullName;
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        _cli.Environment["VIGIL_URL"] = _server.Url;
        _cli.Environment["VIGIL_TOKEN"] = "vgl_admin";
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task CreatePostsNameAndRoleAndPrintsSecretOnce()
    {
        _server.On("POST", "/api/v1/tokens", 201, """{"id":"k3x9m2p7qa","name":"ci","role":"responder","token":"vgl_s3cr3t"}""");

        var result = await _cli.RunAsync("tokens", "create", "--name", "ci", "--role", "responder");

        Assert.Equal(0, result.ExitCode);
        var request = _server.Single();
        Assert.Equal("/api/v1/tokens", request.Path);
        Assert.Equal("""{"name":"ci","role":"responder"}""", request.Body);
        Assert.Equal("Bearer vgl_admin", request.Authorization);
        Assert.Equal("vgl_s3cr3t" + Environment.NewLine, result.Out);
        Assert.Contains("k3x9m2p7qa", result.Error);
        Assert.Contains("not shown again", result.Error);
    }

    [Fact]
    public async Task ListShowsTokens()
    {
        _server.On("GET", "/api/v1/tokens", 200, """
            [{"id":"k3x9m2p7qa","name":"ci","role":"responder","createdAt":"2026-03-01T10:00:00Z","createdBy":"alice","revokedAt":null},
             {"id":"old","name":"legacy","role":"viewer","createdAt":"2026-01-01T10:00:00Z","createdBy":"bootstrap:root","revokedAt":"2026-02-01T00:00:00Z"}]
            """);

        var result = await _cli.RunAsync("tokens", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("k3x9m2p7qa", result.Out);
        Assert.Contains("responder", result.Out);
        Assert.Contains("2026-02-01 00:00:00Z", result.Out);
    }

    [Fact]
    public async Task RevokeDeletes()
    {
        _server.On("DELETE", "/api/v1/tokens/k3x9m2p7qa", 204);
        var result = await _cli.RunAsync("tokens", "revoke", "k3x9m2p7qa");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("DELETE", _server.Single().Method);
        Assert.Contains("Token k3x9m2p7qa revoked.", result.Out);
    }

    [Fact]
    public async Task BootstrapWritesTokenAndAuditToTheStore()
    {
        var store = new RecordingStore();
        string? openedDb = null, openedDir = null;
        _cli.OpenStore = (db, dir) =>
        {
            openedDb = db;
            openedDir = dir;
            return store;
        };

        var dataDir = DataDirWithDatabase();

        var result = await _cli.RunAsync("tokens", "bootstrap", "--name", "first-admin", "--data-dir", dataDir);

        Assert.Equal(0, result.ExitCode);
        Assert.Null(openedDb);
        Assert.Equal(dataDir, openedDir);
        Assert.Contains("Database: SQLite " + Path.Combine(dataDir, "vigil.db"), result.Error);
        Assert.Equal(["migrate", "apply", "dispose"], store.Calls);
        var change = Assert.Single(store.Applied);
        var token = Assert.Single(change.Tokens);
        var secret = result.Out.Trim();
        Assert.StartsWith("vgl_", secret);
        Assert.Equal(TokenSecrets.Hash(secret), token.SecretHash);
        Assert.DoesNotContain(secret, token.SecretHash);
        Assert.Equal("first-admin", token.Name);
        Assert.Equal(Role.Admin, token.Role);
        Assert.Equal(Cli.Now, token.CreatedAt);
        Assert.Null(token.RevokedAt);
        var audit = Assert.Single(change.Audit);
        Assert.Equal("token.create", audit.Action);
        Assert.Contains(token.Id, audit.Target);
        Assert.DoesNotContain(secret, audit.Details);
        Assert.Equal("first-admin", JsonDocument.Parse(audit.Details).RootElement.GetProperty("name").GetString());
        Assert.Contains(token.Id, result.Error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task BootstrapUsesDatabaseFromEnvironmentAndRole()
    {
        var store = new RecordingStore();
        string? openedDb = null;
        _cli.OpenStore = (db, _) =>
        {
            openedDb = db;
            return store;
        };
        _cli.Environment["VIGIL_DATABASE"] = "Host=pg;Database=vigil";

        var result = await _cli.RunAsync("tokens", "bootstrap", "--name", "viewer-bot", "--role", "viewer");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Host=pg;Database=vigil", openedDb);
        Assert.Contains("Database: PostgreSQL database vigil on pg:5432", result.Error);
        Assert.Equal(Role.Viewer, store.Applied.Single().Tokens.Single().Role);
    }

    /// <summary>A mistyped --data-dir got a brand-new database with the token in it, exit 0 — a token no server knows.</summary>
    [Fact]
    public async Task BootstrapRefusesADataDirWithoutADatabase()
    {
        var missing = Path.Combine(Path.GetTempPath(), "vigil-typo-" + Guid.NewGuid().ToString("N"));

        var result = await _cli.RunAsync("tokens", "bootstrap", "--name", "first-admin", "--data-dir", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"there is no Vigil database at {Path.Combine(missing, "vigil.db")}", result.Error);
        Assert.Contains("--create", result.Error);
        Assert.Equal("", result.Out);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task BootstrapCreatesADatabaseWhenAskedTo()
    {
        var store = new RecordingStore();
        _cli.OpenStore = (_, _) => store;
        var fresh = Path.Combine(Path.GetTempPath(), "vigil-new-" + Guid.NewGuid().ToString("N"));

        var result = await _cli.RunAsync("tokens", "bootstrap", "--name", "first-admin", "--data-dir", fresh, "--create");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Database: SQLite " + Path.Combine(fresh, "vigil.db"), result.Error);
        Assert.Single(store.Applied.Single().Tokens);
    }

    /// <summary>
    /// A --data-dir or --database that cannot hold a database: .NET's or SQLite's bare message ("The file ... already
    /// exists.", "SQLite Error 26", "Format of the initialization string ...") and exit 1 before; now what is wrong with
    /// the location, exit 2, as for any bad option value.
    /// </summary>
    [Theory]
    [InlineData("", false, "--data-dir is empty; give the data directory 'vigil serve' uses")]
    [InlineData("afile", false, "--data-dir {0}/afile is a file, not a directory")]
    [InlineData("afile", true, "--data-dir {0}/afile is a file, not a directory")]
    [InlineData("afile/sub", true, "--data-dir {0}/afile/sub: {0}/afile is a file, not a directory")]
    [InlineData("dbdir", true, "{0}/dbdir/vigil.db is a directory, not a SQLite database")]
    [InlineData("garbage", false, "{0}/garbage/vigil.db is not a SQLite database (SQLite: file is not a database)")]
    [InlineData("nul\0dir", true, "--data-dir \"{0}/nul\\0dir\" is not a valid path: it contains a NUL character")]
    public async Task BootstrapRefusesADataDirThatCannotHoldADatabaseWithExit2(string dataDir, bool create, string expected)
    {
        _cli.OpenStore = Vigil.Storage.StoreFactory.Open;
        File.WriteAllText(Path.Combine(_dir, "afile"), "");
        Directory.CreateDirectory(Path.Combine(_dir, "dbdir", "vigil.db"));
        Directory.CreateDirectory(Path.Combine(_dir, "garbage"));
        File.WriteAllBytes(Path.Combine(_dir, "garbage", "vigil.db"), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        var path = dataDir.Length == 0 ? "" : Path.Combine(_dir, dataDir);

        var result = await _cli.RunAsync(["tokens", "bootstrap", "--name", "first-admin", "--data-dir", path, .. create ? new[] { "--create" } : []]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, _dir) + Environment.NewLine, result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task BootstrapRefusesADataDirSqliteCannotWriteInWithExit2()
    {
        // /proc takes no new files, even for root (who may write anywhere chmod could forbid).
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        _cli.OpenStore = Vigil.Storage.StoreFactory.Open;

        var result = await _cli.RunAsync("tokens", "bootstrap", "--name", "first-admin", "--data-dir", "/proc", "--create");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: cannot open or create /proc/vigil.db: SQLite cannot open a file there (is the directory writable?)" + Environment.NewLine, result.Error);
    }

    [Theory]
    [InlineData("/var/lib/vigil/vigil.db", "Format of the initialization string does not conform to specification starting at index 0.")]
    [InlineData("Host=db;Port=abc", "Couldn't set port (Parameter 'port')")]
    [InlineData("postgres://", "invalid PostgreSQL URL: expected postgres://user:password@host:port/database (Parameter 'database')")]
    public async Task BootstrapRefusesADatabaseThatIsNoConnectionStringWithExit2(string database, string detail)
    {
        _cli.OpenStore = Vigil.Storage.StoreFactory.Open;

        var result = await _cli.RunAsync("tokens", "bootstrap", "--name", "first-admin", "--database", database);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --database (or VIGIL_DATABASE) is not a PostgreSQL connection string (Host=...;Database=... or "
            + $"postgres://user:password@host:port/database; for SQLite give --data-dir instead): {detail}" + Environment.NewLine, result.Error);
    }

    private static string DataDirWithDatabase()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-cli-").FullName;
        File.WriteAllBytes(Path.Combine(dir, "vigil.db"), []);
        return dir;
    }

    private sealed class RecordingStore : IVigilStore
    {
        public List<string> Calls { get; } = [];

        public List<ChangeSet> Applied { get; } = [];

        public Task MigrateAsync(CancellationToken ct = default)
        {
            Calls.Add("migrate");
            return Task.CompletedTask;
        }

        public Task ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken ct = default)
        {
            Calls.Add("apply");
            Applied.AddRange(changes);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Calls.Add("dispose");
            return ValueTask.CompletedTask;
        }

        public Task<IReadOnlyList<Alert>> LoadAlertsAsync(CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<Silence>> LoadSilencesAsync(CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<AlertGroupRecord>> LoadGroupsAsync(CancellationToken ct = default) => throw new NotSupportedException();
        public Task<Incident?> GetIncidentAsync(long id, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<Incident>> ListIncidentsAsync(IncidentQuery query, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(long incidentId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Alert>> GetIncidentMembersAsync(long incidentId, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<long> GetMaxIncidentIdAsync(CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct = default) => throw new NotSupportedException();
        public Task<ApiToken?> FindTokenByHashAsync(string secretHash, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit, long? beforeSequence = null, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<string?> GetMetaAsync(string key, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<LogSourceRecord>> ListLogSourcesAsync(CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<LogTemplateRecord>> ListLogTemplatesAsync(string source, LogTemplateOrder order, int limit, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<LogTemplateRecord?> GetLogTemplateAsync(string source, long id, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<LogMinuteCount>> ListLogCountsAsync(string source, long fromMinute, long? templateId = null, CancellationToken ct = default) => throw new NotSupportedException();
        public IAsyncEnumerable<MetricSeriesRecord> ReadMetricSeriesAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public IAsyncEnumerable<MetricSampleRecord> ReadMetricSamplesAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesAsync(long fromMinute, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesAsync(long fromMinute, string slo, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesBetweenAsync(long fromMinute, long endMinute, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SloSourceRecord>> ListSloSourcesAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SloFreezeRecord>> ListSloFreezesAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<FreezeExemption>> ListFreezeExemptionsAsync(string? service, DateTimeOffset endsAfter, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<FreezeExemption?> GetFreezeExemptionAsync(string id, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IdempotentAnswer?> GetIdempotentAnswerAsync(string scope, string key, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<Vigil.Core.Notifications.OutboxRecord>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Vigil.Core.Notifications.OutboxRecord>> ListOutboxAsync(Vigil.Core.Notifications.OutboxQuery query, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<ChangeEventRecord>> ListChangeEventsAsync(int limit, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<IntegrationKey>> ListIntegrationKeysAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Vigil.Core.Escalation.EscalationState>> ListEscalationsAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<long>> ListEscalationsOfResolvedIncidentsAsync(int limit, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Core.OnCall.ScheduleOverride>> ListOverridesAsync(string? schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Core.OnCall.ScheduleOverride?> GetOverrideAsync(string id, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Core.OnCall.ShiftSwap>> ListSwapsAsync(string? schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Core.OnCall.ShiftSwap?> GetSwapAsync(string id, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
