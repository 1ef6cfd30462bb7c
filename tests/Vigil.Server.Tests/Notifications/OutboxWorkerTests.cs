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
/// The outbox worker against a real SQLite store, a real HTTP receiver and a real SMTP server, with a fake clock:
/// retries happen when the clock is moved past their backoff, never by waiting.
/// </summary>
public sealed class OutboxWorkerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-outbox-").FullName;
    private IVigilStore _store = null!;
    private WebhookReceiver _receiver = null!;
    private SmtpListener _smtp = null!;
    private NotificationSender _sender = null!;
    private OutboxWorker _worker = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _smtp = SmtpListener.Start();
        _store = StoreFactory.Open(null, _dir);
        await _store.MigrateAsync();
        var configFile = Path.Combine(_dir, "vigil.yml");
        await File.WriteAllTextAsync(configFile, $"""
            route:
              receiver: ops
            receivers:
              - name: ops
                webhook_configs:
                  - url: {_receiver.Address}hook/TOKEN-abc123
                    http_config:
                      authorization:
                        credentials: bearer-s3cret
                email_configs:
                  - to: oncall@example.com
                    from: vigil@example.com
                    smarthost: 127.0.0.1:{_smtp.Port}
                    require_tls: false
                  - to: oncall@example.com          # email/1: require_tls (the default), which the test server cannot offer
                    from: vigil@example.com
                    smarthost: 127.0.0.1:{_smtp.Port}
                  - to: oncall@example.com          # email/2: a login the test server has no AUTH for
                    from: vigil@example.com
                    smarthost: 127.0.0.1:{_smtp.Port}
                    require_tls: false
                    auth_username: vigil
                    auth_password: smtp-s3cret
            notifications:
              external_url: https://vigil.example.com
              max_attempts: 4
              rate_limit:
                per_minute: 60
                burst: 100
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
        await _smtp.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static NotificationMessage Message(
        string status = "firing", string generatorUrl = "http://prom/graph", string fingerprint = "00112233aabbccdd", long incident = 42) =>
        new("ops", status, "{}:{alertname=\"DiskFull\"}", incident, "DiskFull on db-1",
        status == "resolved" ? "resolved" : "triggered", new Dictionary<string, string> { ["alertname"] = "DiskFull" },
        [new NotifiedAlert(status, new Dictionary<string, string> { ["alertname"] = "DiskFull", ["instance"] = "db-1" },
            new Dictionary<string, string> { ["summary"] = "disk <full>" }, T0, T0.AddHours(1), generatorUrl, fingerprint)]);

    private async Task QueueAsync(string channel, NotificationMessage message)
    {
        var changes = new ChangeSet();
        NotificationOutbox.Enqueue(changes, channel, message, NotificationOutbox.DedupKey(channel, message), _time.GetUtcNow());
        await _store.ApplyAsync([changes]);
    }

    [Fact]
    public async Task A_webhook_answering_503_twice_then_200_is_delivered_on_the_third_attempt()
    {
        _receiver.AnswerWith(503, 503);
        await QueueAsync("receiver:ops/webhook/0", Message());

        Assert.Equal(1, await _worker.RunOnceAsync(default));
        Assert.Equal(0, await _worker.RunOnceAsync(default)); // not due again until its backoff has passed
        _time.Advance(RetryPolicy.MaxDelay);
        Assert.Equal(1, await _worker.RunOnceAsync(default));
        _time.Advance(RetryPolicy.MaxDelay);
        Assert.Equal(1, await _worker.RunOnceAsync(default));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await _worker.RunOnceAsync(default));

        var row = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery(IncidentId: 42)));
        Assert.Equal(OutboxStatus.Delivered, row.Status);
        Assert.Equal(3, row.Attempts);
        Assert.Equal(3, _receiver.Requests.Count);
        Assert.All(_receiver.Requests, r => Assert.Equal("Bearer bearer-s3cret", r.Authorization));
        var timeline = await _store.GetTimelineAsync(42);
        Assert.Equal([TimelineKind.NotificationFailed, TimelineKind.NotificationFailed, TimelineKind.Notified], timeline.Select(t => t.Kind));
        Assert.Contains("503", timeline[0].Message, StringComparison.Ordinal);
        Assert.Contains("receiver ops via webhook/0", timeline[2].Message, StringComparison.Ordinal);
        // The token in the URL path and the bearer token appear nowhere in what Vigil stored.
        Assert.All(timeline, t => Assert.DoesNotContain("TOKEN-abc123", t.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("bearer-s3cret", row.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_answering_400_fails_at_once_and_is_not_retried()
    {
        _receiver.AnswerWith(400);
        await QueueAsync("receiver:ops/webhook/0", Message());
        Assert.Equal(1, await _worker.RunOnceAsync(default));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await _worker.RunOnceAsync(default));

        var row = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.StartsWith("400 Bad Request", row.LastError, StringComparison.Ordinal);
        Assert.Single(_receiver.Requests);
        var failed = Assert.Single(await _store.GetTimelineAsync(42));
        Assert.Contains("not retried", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_is_given_up_after_max_attempts()
    {
        _receiver.AnswerWith(500, 502, 503, 504, 500);
        await QueueAsync("receiver:ops/webhook/0", Message());
        for (var i = 0; i < 6; i++)
        {
            await _worker.RunOnceAsync(default);
            _time.Advance(RetryPolicy.MaxDelay);
        }
        var row = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Equal(4, row.Attempts);
        Assert.Equal(4, _receiver.Requests.Count);
        Assert.Contains("giving up after 4", (await _store.GetTimelineAsync(42))[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_webhook_body_is_the_alertmanager_v4_payload()
    {
        await QueueAsync("receiver:ops/webhook/0", Message());
        await _worker.RunOnceAsync(default);
        var body = Assert.Single(_receiver.Requests).Body;
        WebhookV4.AssertValid(body);
        Assert.Equal("/hook/TOKEN-abc123", Assert.Single(_receiver.Requests).Path);
        Assert.Equal("firing", body["status"]!.GetValue<string>());
        Assert.Equal("ops", body["receiver"]!.GetValue<string>());
        Assert.Equal("https://vigil.example.com", body["externalURL"]!.GetValue<string>());
        Assert.Equal("db-1", body["commonLabels"]!["instance"]!.GetValue<string>());
        Assert.Equal("http://prom/graph", body["alerts"]![0]!["generatorURL"]!.GetValue<string>()); // a sender's link, as it came
        // A firing alert's end is not known: Alertmanager sends Go's zero time.
        var endsAt = body["alerts"]![0]!["endsAt"]!.GetValue<string>();
        Assert.StartsWith("0001-01-01T00:00:00", endsAt, StringComparison.Ordinal);
        Assert.EndsWith("Z", endsAt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_goes_through_a_real_smtp_server_with_text_and_html_bodies()
    {
        await QueueAsync("receiver:ops/email/0", Message());
        Assert.Equal(1, await _worker.RunOnceAsync(default));
        var row = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.True(row.Status == OutboxStatus.Delivered, row.LastError);

        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal("[FIRING:1] #42 DiskFull on db-1", mail.Subject);
        Assert.Equal("oncall@example.com", mail.To.Mailboxes.Single().Address);
        Assert.Equal("vigil@example.com", mail.From.Mailboxes.Single().Address);
        Assert.Contains("https://vigil.example.com/#/incidents/42", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("instance=\"db-1\"", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("disk &lt;full&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("source: http://prom/graph", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"http://prom/graph\">Source</a>", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vigil_s_own_alerts_link_their_page_through_external_url_and_unsafe_links_are_left_out()
    {
        // A metric alert's generatorURL is its chart on this server ("/#/metrics/…"): a receiver elsewhere needs it whole.
        // Separate incidents: rows of one incident go to a channel one after the other, and all five go in one claim here.
        await QueueAsync("receiver:ops/webhook/0", Message(generatorUrl: "/#/metrics/abc", incident: 1));
        await QueueAsync("receiver:ops/email/0", Message(generatorUrl: "/#/metrics/abc", incident: 2));
        await QueueAsync("receiver:ops/email/0", Message(generatorUrl: "javascript:alert(1)", fingerprint: "ffeeddccbbaa9988", incident: 3));
        await QueueAsync("receiver:ops/email/0", Message(generatorUrl: "http://prom/a)\n[Open in Vigil](http://evil/)", fingerprint: "aabbccddeeff0011", incident: 4));
        await QueueAsync("receiver:ops/webhook/0", Message(generatorUrl: "/graph", fingerprint: "1122334455667788", incident: 5));
        Assert.Equal(5, await _worker.RunOnceAsync(default));

        var bodies = _receiver.Requests.Select(r => r.Body["alerts"]![0]!["generatorURL"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        // A sender's own relative path is passed on as it came: only Vigil's pages ("/#/…") are this server's.
        Assert.Equal(["/graph", "https://vigil.example.com/#/metrics/abc"], bodies);
        Assert.Equal(3, _smtp.Messages.Count);
        Assert.All(_smtp.Messages, m => Assert.DoesNotContain("evil", m.TextBody + m.HtmlBody, StringComparison.Ordinal));
        var chart = _smtp.Messages.Single(m => (m.TextBody ?? "").Contains("source: ", StringComparison.Ordinal));
        Assert.Contains("source: https://vigil.example.com/#/metrics/abc", chart.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://vigil.example.com/#/metrics/abc\">Source</a>", chart.HtmlBody, StringComparison.Ordinal);
        Assert.All(_smtp.Messages, m => Assert.DoesNotContain("javascript:", m.TextBody + m.HtmlBody, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_smtp_server_is_retried()
    {
        await _smtp.DisposeAsync();
        await QueueAsync("receiver:ops/email/0", Message());
        await _worker.RunOnceAsync(default);
        var row = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("connection", row.LastError, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("receiver:ops/email/1", "STARTTLS")]
    [InlineData("receiver:ops/email/2", "authentication")]
    public async Task A_send_the_sender_cannot_classify_fails_its_row_and_never_holds_back_the_rows_behind_it(string email, string why)
    {
        // MailKit throws NotSupportedException for a server without STARTTLS (require_tls) or without AUTH. That
        // exception once escaped the batch: the row kept its attempt count, was claimed again at every lease expiry,
        // and the webhook queued behind it was never sent.
        await QueueAsync(email, Message());
        await QueueAsync("receiver:ops/webhook/0", Message(fingerprint: "99887766554433aa"));
        for (var i = 0; i < 10 && _receiver.Requests.IsEmpty; i++)
        {
            try
            {
                await _worker.RunOnceAsync(default);
            }
            catch (Exception)
            {
                // What ExecuteAsync does with an escaped exception: log it and poll again.
            }
            _time.Advance(TimeSpan.FromMinutes(3));
        }

        Assert.Single(_receiver.Requests);
        var rows = await _store.ListOutboxAsync(new OutboxQuery());
        var mail = rows.Single(r => r.Channel == email);
        Assert.Equal(OutboxStatus.Failed, mail.Status);
        Assert.Equal(1, mail.Attempts);
        Assert.Contains(why, mail.LastError, StringComparison.Ordinal);
        Assert.Contains("not retried", mail.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp-s3cret", mail.LastError, StringComparison.Ordinal);
        Assert.Equal(OutboxStatus.Delivered, rows.Single(r => r.Channel == "receiver:ops/webhook/0").Status);
        Assert.Empty(_smtp.Messages);
    }

    [Fact]
    public async Task A_row_whose_send_throws_unexpectedly_counts_an_attempt_and_the_batch_goes_on()
    {
        // An alert without labels (a bug, or a row from another version) throws while the payload is built: no
        // sender classifies that, so the worker records it as a failed attempt.
        var broken = Message();
        await QueueAsync("receiver:ops/webhook/0", broken with { Alerts = [broken.Alerts[0] with { Labels = null! }] });
        // Another incident: rows of one incident and channel go one at a time, in order (decision 012).
        await QueueAsync("receiver:ops/webhook/0", Message(fingerprint: "99887766554433aa", incident: 43));

        Assert.Equal(2, await _worker.RunOnceAsync(default));

        Assert.Single(_receiver.Requests);
        var rows = await _store.ListOutboxAsync(new OutboxQuery());
        var failed = rows.Single(r => r.Status != OutboxStatus.Delivered);
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.StartsWith("unexpected error (ArgumentNullException)", failed.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resolved_notification_never_overtakes_the_firing_one_still_being_retried()
    {
        // The receiver is down as the incident opens; the alert resolves while the firing page waits out its backoff.
        _receiver.AnswerWith(503, 503, 503);
        await QueueAsync("receiver:ops/webhook/0", Message());
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await _worker.RunOnceAsync(default);
            _time.Advance(TimeSpan.FromSeconds(attempt < 2 ? 10 : 1));
        }
        await QueueAsync("receiver:ops/webhook/0", Message("resolved"));

        // The resolved notification is due at once but waits for the firing one, which goes when its backoff is over.
        Assert.Equal(0, await _worker.RunOnceAsync(default));
        _time.Advance(RetryPolicy.MaxDelay);
        while (await _worker.RunOnceAsync(default) > 0)
        {
        }

        Assert.Equal(["firing", "firing", "firing", "firing", "resolved"], _receiver.Requests.Select(r => r.Body["status"]!.GetValue<string>()));
        Assert.All(await _store.ListOutboxAsync(new OutboxQuery(IncidentId: 42)), r => Assert.Equal(OutboxStatus.Delivered, r.Status));
    }

    [Fact]
    public async Task Slow_receivers_never_make_a_second_replica_send_the_same_notification()
    {
        // Ten notifications (of ten incidents, so none waits for another), each receiver taking 25 s: the whole batch
        // outlasts its 2-minute claim. A second replica claims whatever it can the moment the first one's claim has run
        // out, and again once the first is done.
        for (var i = 0; i < 10; i++)
        {
            await QueueAsync("receiver:ops/webhook/0", Message(fingerprint: $"00112233aabbcc{i:d2}", incident: 100 + i));
        }
        var claimedByOther = new List<long>();
        async Task OtherReplicaClaims() =>
            claimedByOther.AddRange((await _store.ClaimOutboxAsync(_time.GetUtcNow(), _time.GetUtcNow() + OutboxWorker.Lease, 32)).Select(r => r.Id));
        _receiver.BeforeAnswer = async () =>
        {
            _time.Advance(TimeSpan.FromSeconds(25));
            if (_time.GetUtcNow() > T0 + OutboxWorker.Lease && claimedByOther.Count == 0)
            {
                await OtherReplicaClaims();
            }
        };

        Assert.Equal(10, await _worker.RunOnceAsync(default));
        await OtherReplicaClaims();

        var rows = await _store.ListOutboxAsync(new OutboxQuery(Limit: 100));
        var delivered = rows.Where(r => r.Status == OutboxStatus.Delivered).Select(r => r.Id).ToList();
        Assert.Equal(_receiver.Requests.Count, delivered.Count);
        Assert.Empty(delivered.Intersect(claimedByOther));
        // Every send started while the claim still covered it and its time-out; the rest went back at once, not
        // after the claim ran out.
        Assert.Equal(4, delivered.Count);
        Assert.Equal(6, claimedByOther.Count);
        Assert.True(_time.GetUtcNow() < T0 + OutboxWorker.Lease);
    }
}
