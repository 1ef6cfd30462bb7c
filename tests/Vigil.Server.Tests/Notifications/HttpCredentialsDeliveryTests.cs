using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Server.Notifications;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.Server.Tests.Notifications;

/// <summary>
/// Credentials given as files (read at each send) and basic auth reach the receiver, and stay out of stored errors.
/// They used to load cleanly and be ignored: every notification went out without credentials and failed on the 401.
/// </summary>
public sealed class HttpCredentialsDeliveryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-creds-").FullName;
    private readonly ListLogger _log = new();
    private IVigilStore _store = null!;
    private WebhookReceiver _receiver = null!;
    private NotificationSender _sender = null!;
    private OutboxWorker _worker = null!;

    private string TokenFile => Path.Combine(_dir, "secrets", "token");

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _store = StoreFactory.Open(null, _dir);
        await _store.MigrateAsync();
        Directory.CreateDirectory(Path.Combine(_dir, "secrets"));
        await File.WriteAllTextAsync(TokenFile, "file-token-1\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "secrets", "password"), "file-password-2\n");
        var configFile = Path.Combine(_dir, "vigil.yml");
        await File.WriteAllTextAsync(configFile, $"""
            route:
              receiver: ops
            receivers:
              - name: ops
                webhook_configs:
                  - url: {_receiver.Address}bearer
                    http_config: {"{"}authorization: {"{"}credentials_file: secrets/token{"}"}{"}"}
                  - url: {_receiver.Address}basic
                    http_config: {"{"}basic_auth: {"{"}username: vigil, password_file: secrets/password{"}"}{"}"}
                  - url: {_receiver.Address.ToString().Replace("://", "://vigil:userinfo-pw-5@", StringComparison.Ordinal)}
              - name: legacy
                pagerduty_configs: [{"{"}routing_key: not-sent-by-vigil{"}"}]
              - name: blackhole
            notifications:
              external_url: https://vigil.example.com
            """);
        var config = new ConfigHolder(new ServerSettings { ConfigFile = configFile, DataDirectory = _dir });
        _sender = new NotificationSender(_time);
        _worker = new OutboxWorker(_store, config, _sender, new OutboxSignal(), _time, _log);
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        _sender.Dispose();
        await _store.DisposeAsync();
        await _receiver.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task QueueAsync(string channel, string fingerprint = "00112233aabbccdd")
    {
        var message = new NotificationMessage("ops", "firing", "{}:{alertname=\"DiskFull\"}", 42, "DiskFull on db-1", "triggered",
            new Dictionary<string, string> { ["alertname"] = "DiskFull" },
            [new NotifiedAlert("firing", new Dictionary<string, string> { ["alertname"] = "DiskFull" }, new Dictionary<string, string>(),
                T0, T0.AddHours(1), "", fingerprint)]);
        var changes = new ChangeSet();
        NotificationOutbox.Enqueue(changes, channel, message, NotificationOutbox.DedupKey(channel, message), _time.GetUtcNow());
        await _store.ApplyAsync([changes]);
    }

    [Fact]
    public async Task A_credentials_file_is_sent_and_read_again_at_each_send()
    {
        await QueueAsync("receiver:ops/webhook/0");
        await _worker.RunOnceAsync(default);
        await File.WriteAllTextAsync(TokenFile, "rotated-token-3\n");
        await QueueAsync("receiver:ops/webhook/0", "ffeeddccbbaa9988");
        await _worker.RunOnceAsync(default);

        Assert.Equal(["Bearer file-token-1", "Bearer rotated-token-3"], _receiver.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_password_in_the_url_stays_out_of_stored_errors_when_the_path_is_bare()
    {
        // The URL's path is "/", so only its user-info part is secret; a receiver quoting it back must not have it stored.
        _receiver.AnswerWith(new WebhookReceiver.Answer(401, "wrong password userinfo-pw-5 for vigil"));
        await QueueAsync("receiver:ops/webhook/2");
        await _worker.RunOnceAsync(default);
        var refused = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal(OutboxStatus.Failed, refused.Status);
        Assert.DoesNotContain("userinfo-pw-5", refused.LastError, StringComparison.Ordinal);
        Assert.Contains("<secret>", refused.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_is_sent_with_its_password_file()
    {
        await QueueAsync("receiver:ops/webhook/1");
        await _worker.RunOnceAsync(default);

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("vigil:file-password-2"));
        Assert.Equal(expected, Assert.Single(_receiver.Requests).Authorization);
    }

    [Fact]
    public async Task A_secret_read_from_a_file_stays_out_of_stored_errors_and_a_missing_file_is_retried()
    {
        // A receiver quoting the credentials back in its error page.
        _receiver.AnswerWith(new WebhookReceiver.Answer(401, "bad token file-token-1"));
        await QueueAsync("receiver:ops/webhook/0");
        await _worker.RunOnceAsync(default);
        var refused = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal(OutboxStatus.Failed, refused.Status);
        Assert.DoesNotContain("file-token-1", refused.LastError, StringComparison.Ordinal);
        Assert.Contains("<secret>", refused.LastError, StringComparison.Ordinal);

        // Between a rotation's delete and write: retried, the file named (a path is not a secret).
        File.Delete(TokenFile);
        await QueueAsync("receiver:ops/webhook/0", "ffeeddccbbaa9988");
        await _worker.RunOnceAsync(default);
        var waiting = (await _store.ListOutboxAsync(new OutboxQuery())).Single(r => r.Id != refused.Id);
        Assert.Equal((OutboxStatus.Pending, 1), (waiting.Status, waiting.Attempts));
        Assert.Contains("cannot read secret file " + TokenFile, waiting.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_whose_integrations_vigil_does_not_send_through_is_reported_at_start()
    {
        await _worker.StartAsync(CancellationToken.None);
        // ExecuteAsync runs on its own task: give it a moment to start.
        for (var i = 0; i < 100 && _log.Warnings.Count == 0; i++)
        {
            await Task.Delay(50);
        }
        await _worker.StopAsync(CancellationToken.None);

        // "legacy" has only pagerduty_configs: its pages go nowhere. "blackhole" has none, the usual way to drop alerts.
        var warning = Assert.Single(_log.Warnings, w => w.Contains("go nowhere", StringComparison.Ordinal));
        Assert.Contains("Receiver legacy has only integrations Vigil does not send through (pagerduty_configs)", warning, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<OutboxWorker>
    {
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get
            {
                lock (_warnings)
                {
                    return [.. _warnings];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                lock (_warnings)
                {
                    _warnings.Add(formatter(state, exception));
                }
            }
        }
    }
}
