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
}
