using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Server.Notifications;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.Server.Tests.Notifications;

/// <summary>
/// Slack, Teams, DingTalk, Feishu/Lark and WeCom pages really go out over HTTP (to an in-process receiver) in each
/// platform's documented webhook shape, with the signatures recomputed here from the platforms' published formulas.
/// </summary>
public sealed class ChatRobotDeliveryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-chat-").FullName;
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
        await File.WriteAllTextAsync(configFile, $$"""
            route:
              receiver: chat
            receivers:
              - name: chat
                slack_configs: [{api_url: "{{_receiver.Address}}slack", channel: "#ops"}]
                msteams_configs: [{webhook_url: "{{_receiver.Address}}teams"}]
                dingtalk_configs: [{webhook_url: "{{_receiver.Address}}dingtalk?access_token=abc", secret: SECding}]
                feishu_configs: [{webhook_url: "{{_receiver.Address}}feishu", secret: lark-secret}]
                wecom_configs: [{webhook_url: "{{_receiver.Address}}wecom?key=k1"}]
            notifications:
              external_url: https://vigil.example.com
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

    [Fact]
    public async Task Every_chat_robot_gets_its_documented_payload()
    {
        var message = new NotificationMessage("chat", "firing", "{}:{alertname=\"DiskFull\"}", 42, "DiskFull on db-1", "triggered",
            new Dictionary<string, string> { ["alertname"] = "DiskFull" },
            [new NotifiedAlert("firing", new Dictionary<string, string> { ["alertname"] = "DiskFull", ["instance"] = "db-1" },
                new Dictionary<string, string> { ["summary"] = "disk full" }, T0, T0.AddHours(1), "/#/metrics/abc", "00112233aabbccdd")]);
        var changes = new ChangeSet();
        foreach (var id in new[] { "slack/0", "msteams/0", "dingtalk/0", "feishu/0", "wecom/0" })
        {
            var channel = OutboxChannels.ForReceiver("chat", id);
            NotificationOutbox.Enqueue(changes, channel, message, NotificationOutbox.DedupKey(channel, message), T0);
        }
        await _store.ApplyAsync([changes]);

        Assert.Equal(5, await _worker.RunOnceAsync(default));

        var byPath = _receiver.Requests.ToDictionary(r => r.Path, r => r);
        Assert.Equal(["/dingtalk", "/feishu", "/slack", "/teams", "/wecom"], byPath.Keys.Order(StringComparer.Ordinal));

        var slack = byPath["/slack"].Body;
        Assert.Contains("DiskFull", slack["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("#ops", slack["channel"]!.GetValue<string>());
        Assert.Equal("danger", slack["attachments"]![0]!["color"]!.GetValue<string>());
        Assert.Equal("https://vigil.example.com/#/incidents/42", slack["attachments"]![0]!["title_link"]!.GetValue<string>());

        var card = byPath["/teams"].Body["attachments"]![0]!;
        Assert.Equal("message", byPath["/teams"].Body["type"]!.GetValue<string>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", card["contentType"]!.GetValue<string>());
        Assert.Equal("AdaptiveCard", card["content"]!["type"]!.GetValue<string>());

        // DingTalk "加签": timestamp in ms and sign = Base64(HMAC-SHA256(key: secret, data: timestamp + "\n" + secret)).
        var dingtalk = byPath["/dingtalk"];
        Assert.Equal("markdown", dingtalk.Body["msgtype"]!.GetValue<string>());
        Assert.Contains("DiskFull", dingtalk.Body["markdown"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(dingtalk.Query);
        Assert.Equal("abc", query["access_token"]);
        var ms = T0.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(ms, query["timestamp"]);
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData("SECding"u8, Encoding.UTF8.GetBytes(ms + "\nSECding"))), query["sign"]);

        // Feishu/Lark: timestamp in s and sign = Base64(HMAC-SHA256(key: timestamp + "\n" + secret, data: empty)).
        var feishu = byPath["/feishu"].Body;
        Assert.Equal("text", feishu["msg_type"]!.GetValue<string>());
        var seconds = T0.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(seconds, feishu["timestamp"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(seconds + "\nlark-secret"), Array.Empty<byte>())), feishu["sign"]!.GetValue<string>());

        var wecom = byPath["/wecom"];
        Assert.Equal("?key=k1", wecom.Query);
        Assert.Equal("markdown", wecom.Body["msgtype"]!.GetValue<string>());
        Assert.Contains("[Open in Vigil](https://vigil.example.com/#/incidents/42)", wecom.Body["markdown"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        // The alert's own page (here a metric chart on this server) is linked whole, through external_url.
        Assert.Contains("([source](https://vigil.example.com/#/metrics/abc))", wecom.Body["markdown"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("source: https://vigil.example.com/#/metrics/abc", slack["attachments"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.All(await _store.ListOutboxAsync(new OutboxQuery(IncidentId: 42)), row => Assert.Equal(OutboxStatus.Delivered, row.Status));
    }

    [Fact]
    public void Alert_text_cannot_mention_a_whole_slack_channel_or_disguise_a_link()
    {
        var hostile = "<!channel> <https://evil.example|Open in Vigil> & more";
        var message = new NotificationMessage("chat", "firing", "{}:{alertname=\"DiskFull\"}", 42, "DiskFull " + hostile, "triggered",
            new Dictionary<string, string> { ["alertname"] = "DiskFull" },
            [new NotifiedAlert("firing", new Dictionary<string, string> { ["alertname"] = "DiskFull" },
                new Dictionary<string, string> { ["summary"] = hostile }, T0, T0.AddHours(1), "", "00112233aabbccdd")]);

        var slack = ChatPayloads.Slack(message, null, "https://vigil.example.com");

        var texts = new[] { slack["text"], slack["attachments"]![0]!["text"], slack["attachments"]![0]!["title"] }.Select(t => t!.GetValue<string>()).ToList();
        Assert.All(texts, text => Assert.DoesNotContain("<", text, StringComparison.Ordinal));
        Assert.Contains("&lt;!channel&gt; &lt;https://evil.example|Open in Vigil&gt; &amp; more", texts[1], StringComparison.Ordinal);
        Assert.Equal("https://vigil.example.com/#/incidents/42", slack["attachments"]![0]!["title_link"]!.GetValue<string>());
    }

    [Fact]
    public void Alert_text_cannot_mention_everyone_in_a_feishu_group()
    {
        // Feishu reads <at user_id="all"> in a text message as @everyone: a sender could wake a whole group.
        const string hostile = "<at user_id=\"all\">所有人</at> wake up";
        var message = new NotificationMessage("chat", "firing", "{}:{alertname=\"DiskFull\"}", 42, "DiskFull " + hostile, "triggered",
            new Dictionary<string, string> { ["alertname"] = "DiskFull" },
            [new NotifiedAlert("firing", new Dictionary<string, string> { ["alertname"] = "DiskFull", ["pod"] = hostile },
                new Dictionary<string, string> { ["summary"] = hostile, [hostile] = "x" }, T0, T0.AddHours(1), "https://prom.example/graph?q=<at>", "00112233aabbccdd")])
        {
            Reason = hostile,
        };

        var text = ChatPayloads.Feishu(message, null, T0, "https://vigil.example.com")["content"]!["text"]!.GetValue<string>();

        Assert.DoesNotContain("<at", text, StringComparison.Ordinal);
        Assert.DoesNotContain("</at>", text, StringComparison.Ordinal);
        Assert.DoesNotContain('<', text);
        // Still readable: the full-width brackets look alike.
        Assert.Contains("summary: ＜at user_id=\"all\"＞所有人＜/at＞ wake up", text, StringComparison.Ordinal);
        Assert.Contains("https://vigil.example.com/#/incidents/42", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Alert_text_renders_literally_in_markdown_receivers()
    {
        // Rendered by a real CommonMark processor with GitHub's extensions (autolinks, tables, strikethrough…): what
        // Teams, DingTalk and WeCom render is a subset of it.
        const string hostile = "[Open in Vigil](https://evil.example/a) ![x](https://evil.example/i.png) <@all> <font color=\"info\">ok</font>"
            + " **bold** _it_ `code` ~~gone~~ &lt;b&gt; \\[esc\\](https://evil.example/b)\n# Heading\n> quote\n- item";
        var message = new NotificationMessage("chat", "firing", "{}:{alertname=\"Disk_Full\"}", 42, "Disk_Full " + hostile, "triggered",
            new Dictionary<string, string> { ["alertname"] = "Disk_Full", ["under_score"] = "a_b_c" },
            [new NotifiedAlert("firing", new Dictionary<string, string> { ["alertname"] = "Disk_Full", ["pod"] = hostile },
                new Dictionary<string, string> { ["summary"] = hostile, ["[x](https://evil.example/c)"] = hostile }, T0, T0.AddHours(1),
                "https://prometheus.example/graph?g0.expr=up", "00112233aabbccdd")]);
        var pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();
        // Adaptive Cards' markdown has no HTML: raw < and > are text there, as with Markdig's HTML turned off.
        var adaptiveCard = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

        var teams = ChatPayloads.Teams(message, "https://vigil.example.com")["attachments"]![0]!["content"]!["body"]!.AsArray();
        var markdowns = new Dictionary<string, string>
        {
            ["teams title"] = teams[0]!["text"]!.GetValue<string>(),
            ["teams body"] = teams[1]!["text"]!.GetValue<string>(),
            ["dingtalk"] = ChatPayloads.DingTalk(message, "https://vigil.example.com")["markdown"]!["text"]!.GetValue<string>(),
            ["wecom"] = ChatPayloads.WeCom(message, "https://vigil.example.com")["markdown"]!["content"]!.GetValue<string>(),
        };

        foreach (var (receiver, markdown) in markdowns)
        {
            var html = Markdown.ToHtml(markdown, receiver.StartsWith("teams", StringComparison.Ordinal) ? adaptiveCard : pipeline);
            // A bare URL may be linked (it shows where it goes); a link whose text hides its target is only Vigil's.
            foreach (Match link in Regex.Matches(html, "<a href=\"([^\"]*)\">(.*?)</a>"))
            {
                var (target, shown) = (link.Groups[1].Value, System.Net.WebUtility.HtmlDecode(link.Groups[2].Value));
                Assert.True(shown == System.Net.WebUtility.HtmlDecode(target) || !target.Contains("evil", StringComparison.Ordinal),
                    $"{receiver}: the alert's text made a link \"{shown}\" to {target}");
            }
            foreach (var tag in new[] { "<img", "<h1", "<h2", "<blockquote", "<em", "<code", "<del", "<font", "<table" })
            {
                Assert.False(html.Contains(tag, StringComparison.Ordinal), $"{receiver}: the alert's text made {tag} …>:\n{html}");
            }
            // Vigil's own markup still works: its heading, bold labels and links.
            Assert.Contains(receiver == "teams title" ? "Disk_Full" : "https://vigil.example.com/#/incidents/42", html, StringComparison.Ordinal);
            var text = System.Net.WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]*>", ""));
            Assert.Contains("[Open in Vigil](https://evil.example/a) ![x](https://evil.example/i.png) <@all>", text, StringComparison.Ordinal);
            // Markdig decodes an entity the sender wrote; Adaptive Cards show it as written (not markup either way).
            var entity = receiver.StartsWith("teams", StringComparison.Ordinal) ? "<b>" : "&lt;b&gt;";
            Assert.Contains($"**bold** _it_ `code` ~~gone~~ {entity} \\[esc\\](https://evil.example/b) # Heading > quote - item", text, StringComparison.Ordinal);
        }
        Assert.Contains("<@all> <font color=\"info\">", markdowns["teams body"], StringComparison.Ordinal); // no entities where nothing is HTML
        Assert.Contains("<h3", Markdown.ToHtml(markdowns["wecom"], pipeline), StringComparison.Ordinal);
        Assert.Contains("<strong>Status:</strong>", Markdown.ToHtml(markdowns["dingtalk"], pipeline), StringComparison.Ordinal);
        Assert.Contains("href=\"https://prometheus.example/graph?g0.expr=up\"", Markdown.ToHtml(markdowns["dingtalk"], pipeline), StringComparison.Ordinal);
    }

    private static NotificationMessage Group(int alerts, string summary = "disk full", string title = "DiskFull on db-1") =>
        new("chat", "firing", "{}:{alertname=\"DiskFull\"}", 42, title, "triggered",
            new Dictionary<string, string> { ["alertname"] = "DiskFull" },
            Enumerable.Range(0, alerts).Select(i => new NotifiedAlert("firing",
                new Dictionary<string, string> { ["alertname"] = "DiskFull", ["instance"] = $"db-{i}" },
                new Dictionary<string, string> { ["summary"] = summary }, T0, T0.AddHours(1), "", $"00112233aabb{i:x4}")).ToList());

    private async Task QueueAsync(string id, NotificationMessage message)
    {
        var changes = new ChangeSet();
        var channel = OutboxChannels.ForReceiver("chat", id);
        NotificationOutbox.Enqueue(changes, channel, message, NotificationOutbox.DedupKey(channel, message), _time.GetUtcNow());
        await _store.ApplyAsync([changes]);
    }

    [Fact]
    public void A_large_group_is_cut_to_each_robot_s_size_limit_with_a_visible_marker()
    {
        // 300 alerts with a Chinese summary each: ~60 KB of text. Over the limit, every robot refuses it every time.
        var large = Group(300, string.Concat(Enumerable.Repeat("磁盘已满，请尽快清理。", 6)));
        const string link = "[Open in Vigil](https://vigil.example.com/#/incidents/42)";

        var wecom = ChatPayloads.WeCom(large, "https://vigil.example.com")["markdown"]!["content"]!.GetValue<string>();
        Assert.InRange(Encoding.UTF8.GetByteCount(wecom), 3000, 4096);
        var dingtalk = ChatPayloads.DingTalk(large, "https://vigil.example.com")["markdown"]!["text"]!.GetValue<string>();
        Assert.InRange(Encoding.UTF8.GetByteCount(dingtalk), 12_000, 16_000);
        foreach (var markdown in new[] { wecom, dingtalk })
        {
            Assert.Contains("… truncated", markdown, StringComparison.Ordinal);
            Assert.EndsWith(link, markdown, StringComparison.Ordinal); // the way to the rest is never cut
            Assert.Contains("db-0", markdown, StringComparison.Ordinal);
            // Cut at a line end: no alert's line is left half-written before the marker.
            Assert.Matches(@"\n\n… truncated", markdown);
        }

        var feishu = ChatPayloads.Feishu(large, "lark-secret", T0, "https://vigil.example.com");
        // The body as sent, JSON escapes included (each CJK character is \uXXXX), is what Feishu limits.
        Assert.InRange(Encoding.UTF8.GetByteCount(feishu.ToJsonString()), 15_000, 20_000);
        Assert.Contains("… truncated", feishu["content"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);

        // A small group is sent whole.
        var small = ChatPayloads.WeCom(Group(2), "https://vigil.example.com")["markdown"]!["content"]!.GetValue<string>();
        Assert.DoesNotContain("truncated", small, StringComparison.Ordinal);
        // A huge title does not blow DingTalk's preview either.
        var title = ChatPayloads.DingTalk(Group(1, title: new string('x', 5000)), "https://vigil.example.com")["markdown"]!["title"]!.GetValue<string>();
        Assert.Equal(200, title.Length);
    }

    [Theory]
    [InlineData("dingtalk/0", "{\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"}", 600)]
    [InlineData("wecom/0", "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}", 0)]
    [InlineData("feishu/0", "{\"code\":11232,\"msg\":\"frequency limited\"}", 0)]
    [InlineData("feishu/0", "{\"code\":9499,\"msg\":\"too many request\"}", 0)]
    public async Task A_robot_s_too_fast_answer_is_waited_out_not_failed(string id, string answer, int documentedWaitSeconds)
    {
        _receiver.AnswerWith(new WebhookReceiver.Answer(200, answer), new WebhookReceiver.Answer(200, answer));
        await QueueAsync(id, Group(1));

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(1, await _worker.RunOnceAsync(default));
            var waiting = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
            Assert.Equal((OutboxStatus.Pending, 0), (waiting.Status, waiting.Attempts)); // not an attempt, as a 429
            Assert.StartsWith("rate limited by the receiver", waiting.LastError, StringComparison.Ordinal);
            var wait = waiting.NextAttemptAt - _time.GetUtcNow();
            if (documentedWaitSeconds > 0)
            {
                Assert.Equal(TimeSpan.FromSeconds(documentedWaitSeconds), wait); // DingTalk throttles a robot for 10 minutes
            }
            else
            {
                Assert.InRange(wait, RetryPolicy.RateLimitWait / 2, RetryPolicy.RateLimitWait);
            }
            _time.Advance(wait);
        }
        Assert.Equal(1, await _worker.RunOnceAsync(default));

        var row = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal((OutboxStatus.Delivered, 1), (row.Status, row.Attempts));
    }

    [Fact]
    public async Task A_robot_s_refusal_is_still_permanent()
    {
        // 9499 "Bad Request" is Feishu's answer to a malformed or oversized body: the same every time.
        _receiver.AnswerWith(new WebhookReceiver.Answer(200, "{\"code\":9499,\"msg\":\"Bad Request\",\"data\":{}}"));
        await QueueAsync("feishu/0", Group(1));
        await _worker.RunOnceAsync(default);
        var row = Assert.Single(await _store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal((OutboxStatus.Failed, 1), (row.Status, row.Attempts));
        Assert.StartsWith("the robot refused it: 200 OK", row.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dingtalk/0", 20)]
    [InlineData("wecom/0", 20)]
    [InlineData("feishu/0", 100)]
    public async Task A_robot_is_never_sent_more_than_its_published_rate_whatever_rate_limit_says(string id, int perMinute)
    {
        // The config's rate_limit is the default 60 a minute with a burst of 10: DingTalk and WeCom take 20 a minute
        // (DingTalk then throttles the robot for 10 minutes), Feishu 100 a minute and 5 a second.
        var sent = new List<DateTimeOffset>();
        _receiver.BeforeAnswer = () =>
        {
            lock (sent)
            {
                sent.Add(_time.GetUtcNow());
            }
            return Task.CompletedTask;
        };
        for (var i = 0; i < 40; i++)
        {
            await QueueAsync(id, Group(1) with { Alerts = [Group(1).Alerts[0] with { Fingerprint = $"ffeeddccbbaa{i:x4}" }] });
        }
        for (var second = 0; second < 300 && sent.Count < 40; second++)
        {
            await _worker.RunOnceAsync(default);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(40, sent.Count);
        Assert.All(sent, at => Assert.InRange(sent.Count(other => other >= at && other < at.AddMinutes(1)), 1, perMinute));
        Assert.All(sent, at => Assert.InRange(sent.Count(other => other >= at && other < at.AddSeconds(1)), 1, 5));
        Assert.All(await _store.ListOutboxAsync(new OutboxQuery(Limit: 100)), row => Assert.Equal((OutboxStatus.Delivered, 1), (row.Status, row.Attempts)));
    }
}
