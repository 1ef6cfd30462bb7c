using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Server.Notifications;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.Server.Tests.Notifications;

/// <summary>
/// How long a failing receiver is retried, with the default <c>notifications:</c> settings (no max_attempts, max_age
/// 24 h), against a real SQLite store and a real HTTP receiver, on a fake clock.
/// </summary>
public sealed class OutboxRetryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-retry-").FullName;
    private IVigilStore _store = null!;
    private WebhookReceiver _receiver = null!;
    private NotificationSender _sender = null!;
    private OutboxWorker _worker = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _store = StoreFactory.Open(null, _dir);
        await _store.MigrateAsync();
        var configFile = Path.Combine(_dir, "vigil.yml");
        await File.WriteAllTextAsync(configFile, $"""
            route:
              receiver: ops
            receivers:
              - name: ops
                webhook_configs: [{"{"}url: "{_receiver.Address}hook"{"}"}]
            notifications:
              external_url: https://vigil.example.com
              rate_limit: {"{"}per_minute: 600, burst: 100{"}"}
            """);
        var config = new ConfigHolder(new ServerSettings { ConfigFile = configFile, DataDirectory = _dir });
        _sender = new NotificationSender(_time);
        _worker = new OutboxWorker(_store, config, _sender, new OutboxSignal(), _time, NullLogger<OutboxWorker>.Instance);
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        _sender.Dispose();
        await _store.DisposeAsync();
        await _receiver.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task QueueAsync()
    {
        var message = new NotificationMessage("ops", "firing", "{}:{alertname=\"DiskFull\"}", 42, "DiskFull on db-1", "triggered",
            new Dictionary<string, string> { ["alertname"] = "DiskFull" },
            [new NotifiedAlert("firing", new Dictionary<string, string> { ["alertname"] = "DiskFull" }, new Dictionary<string, string>(),
                T0, T0.AddHours(1), "", "00112233aabbccdd")]);
        var changes = new ChangeSet();
        NotificationOutbox.Enqueue(changes, "receiver:ops/webhook/0", message, NotificationOutbox.DedupKey("receiver:ops/webhook/0", message), _time.GetUtcNow());
        await _store.ApplyAsync([changes]);
    }

    private async Task<OutboxRecord> RowAsync() => Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));

    private static WebhookReceiver.Answer Answer(int status, string retryAfter) =>
        new(status, Headers: new Dictionary<string, string> { ["Retry-After"] = retryAfter });

    [Fact]
    public async Task A_forty_minute_outage_does_not_fail_a_page_queued_at_its_start()
    {
        // Ten attempts of the backoff add up to 15–30 minutes: with max_attempts 10 as the limit, every page queued at
        // the start of a half-hour outage was given up while max_age (24 h) was far away.
        _receiver.AnswerWith(Enumerable.Repeat(503, 1000).ToArray());
        await QueueAsync();
        while (_time.GetUtcNow() < T0.AddMinutes(70) && (await RowAsync()).Status == OutboxStatus.Pending)
        {
            if (_time.GetUtcNow() >= T0.AddMinutes(40))
            {
                _receiver.AnswerOk();
            }
            await _worker.RunOnceAsync(default);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var row = await RowAsync();
        Assert.Equal(OutboxStatus.Delivered, row.Status);
        Assert.True(row.Attempts > 10, $"{row.Attempts} attempts");
    }

    [Fact]
    public async Task A_receiver_that_stays_down_is_tried_every_ten_minutes_until_max_age_and_the_timeline_is_not_flooded()
    {
        _receiver.AnswerWith(Enumerable.Repeat(503, 1000).ToArray());
        await QueueAsync();
        var lastRequest = T0;
        for (var i = 0; i < 200 && (await RowAsync()).Status == OutboxStatus.Pending; i++)
        {
            var before = _receiver.Requests.Count;
            await _worker.RunOnceAsync(default);
            if (_receiver.Requests.Count > before)
            {
                lastRequest = _time.GetUtcNow();
            }
            _time.Advance(RetryPolicy.MaxDelay);
        }

        var row = await RowAsync();
        Assert.Equal(OutboxStatus.Failed, row.Status);
        // Tried until max_age (the last try at 24 h itself), at the capped delay: ~140 attempts, not 10.
        Assert.Equal(T0.AddHours(24), lastRequest);
        Assert.InRange(row.Attempts, 140, 160);
        var timeline = await _store.GetTimelineAsync(42);
        Assert.Contains("giving up: not delivered within max_age (1d)", timeline[^1].Message, StringComparison.Ordinal);
        // Attempts 1, 2, 4, 8, … 128 and the last: the log has every one, the incident's timeline a readable few.
        Assert.InRange(timeline.Count, 8, 10);
    }

    [Fact]
    public async Task A_429_is_not_an_attempt_and_its_retry_after_seconds_are_honoured()
    {
        _receiver.AnswerWith(Answer(429, "120"), Answer(429, "120"), Answer(429, "120"), Answer(429, "120"), Answer(429, "120"));
        await QueueAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(1, await _worker.RunOnceAsync(default));
            var waiting = await RowAsync();
            Assert.Equal((0, _time.GetUtcNow().AddSeconds(120)), (waiting.Attempts, waiting.NextAttemptAt));
            _time.Advance(TimeSpan.FromSeconds(119));
            Assert.Equal(0, await _worker.RunOnceAsync(default)); // not before the receiver said
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(1, await _worker.RunOnceAsync(default));

        var row = await RowAsync();
        Assert.Equal((OutboxStatus.Delivered, 1), (row.Status, row.Attempts));
        var timeline = await _store.GetTimelineAsync(42);
        // One entry for the run of rate-limit answers, not five.
        Assert.Equal([TimelineKind.NotificationFailed, TimelineKind.Notified], timeline.Select(t => t.Kind));
        Assert.Contains("rate limited by the receiver", timeline[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_after_date_is_honoured_and_clamped_to_an_hour()
    {
        var inThreeHours = _time.GetUtcNow().AddHours(3).ToString("r", CultureInfo.InvariantCulture);
        var inTwentyMinutes = _time.GetUtcNow().AddMinutes(20).ToString("r", CultureInfo.InvariantCulture);
        _receiver.AnswerWith(Answer(503, inTwentyMinutes), Answer(503, inThreeHours));
        await QueueAsync();

        await _worker.RunOnceAsync(default);
        var first = await RowAsync();
        Assert.Equal((1, T0.AddMinutes(20)), (first.Attempts, first.NextAttemptAt));

        _time.Advance(TimeSpan.FromMinutes(20));
        await _worker.RunOnceAsync(default);
        var second = await RowAsync();
        // Three hours asked, one hour (the clamp) waited.
        Assert.Equal((2, T0.AddMinutes(80)), (second.Attempts, second.NextAttemptAt));
    }

    [Fact]
    public async Task A_receiver_whose_answer_never_ends_is_judged_by_its_status_and_first_words()
    {
        // The whole body used to be read before the status was looked at: an endless one ran into the 30 s send
        // timeout ("timed out"), and a large one was held in memory whole.
        _receiver.AnswerWith(new WebhookReceiver.Answer(503, Body: "overloaded, try later; ", Endless: true));
        await QueueAsync();

        Assert.Equal(1, await _worker.RunOnceAsync(default));

        var row = await RowAsync();
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.StartsWith("503 Service Unavailable: overloaded, try later;", row.LastError, StringComparison.Ordinal);
        Assert.True(row.LastError!.Length < 400, row.LastError);
    }
}
