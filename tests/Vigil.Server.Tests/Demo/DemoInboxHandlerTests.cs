using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Demo;
using Vigil.Server.Notifications;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Demo;

/// <summary>
/// The demo's HTTP handler answers only its reserved host and sends everything else to the network unchanged (a real
/// receiver on loopback gets it); the inbox keeps the newest <see cref="DemoInbox.Capacity"/> messages.
/// </summary>
public sealed class DemoInboxHandlerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Only_the_inbox_host_is_answered_in_process_and_other_hosts_reach_the_network()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var inbox = new DemoInbox(new FakeTimeProvider(T0));
        using var http = new HttpClient(new DemoInboxHandler(inbox) { InnerHandler = NotificationSender.NetworkHandler() });
        const string payload = """
            {"version":"4","status":"resolved","receiver":"ops","commonLabels":{"alertname":"DiskFull","service":"db"},
             "commonAnnotations":{"summary":"disk at 99%"},"alerts":[{"status":"resolved"}]}
            """;

        using (var answered = await http.PostAsync("http://DEMO-INBOX.invalid/team%20ops", Json(payload)))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
        using (var elsewhere = await http.PostAsync(new Uri(receiver.Address, "hook"), Json(payload)))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }
        using (var notWebhook = await http.PostAsync("https://demo-inbox.invalid/chat", new StringContent("not json")))
        {
            Assert.Equal(HttpStatusCode.OK, notWebhook.StatusCode);
        }

        Assert.Equal("/hook", Assert.Single(receiver.Requests).Path);
        var messages = inbox.Latest(10);
        Assert.Equal(2, messages.Count);
        Assert.Equal(new DemoInboxMessage(1, T0, "team ops", "resolved", "[RESOLVED] DiskFull on db — disk at 99%", Encoding.UTF8.GetByteCount(payload)),
            messages[1]);
        Assert.Equal(("chat", "unknown"), (messages[0].Target, messages[0].Status));
    }

    [Fact]
    public async Task A_host_that_merely_contains_the_inbox_name_goes_to_the_network()
    {
        var inbox = new DemoInbox(new FakeTimeProvider(T0));
        using var http = new HttpClient(new DemoInboxHandler(inbox) { InnerHandler = NotificationSender.NetworkHandler() });

        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync("http://demo-inbox.invalid.invalid/x", Json("{}")));

        Assert.Empty(inbox.Latest(10));
    }

    [Fact]
    public void The_inbox_keeps_the_newest_messages_newest_first()
    {
        var inbox = new DemoInbox(new FakeTimeProvider(T0));
        for (var i = 1; i <= DemoInbox.Capacity + 1; i++)
        {
            inbox.Add($"user{i}", "firing", "page", i);
        }

        var all = inbox.Latest(DemoInbox.Capacity + 10);
        Assert.Equal(DemoInbox.Capacity, all.Count);
        Assert.Equal("user501", all[0].Target);
        Assert.Equal("user2", all[^1].Target); // the oldest was dropped
        Assert.Equal(["user501", "user500"], inbox.Latest(2).Select(m => m.Target));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
