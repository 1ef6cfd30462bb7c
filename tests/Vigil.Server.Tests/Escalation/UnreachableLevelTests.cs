using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Store;
using Vigil.Server.Escalation;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// Found by a review: a level whose users no page could reach (a chat handle only, no contacts, e-mail without SMTP, a
/// user gone from the config) counted as paged: the timeline said "nothing sent" and the next level still waited the
/// level's delay. Such a level is passed at once, like an empty team, and the timeline says why.
/// </summary>
public sealed class UnreachableLevelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private static VigilConfig Config(string alice, string levelOne) => ConfigLoader.Parse($$"""
        route:
          receiver: ops
        receivers:
          - name: ops
        users:
          - name: alice
        {{alice}}
          - name: bob
            contacts:
              - webhook: https://hooks.example.com/bob
          - name: carol
            contacts:
              - webhook: https://hooks.example.com/carol
        schedules:
          - name: primary
            time_zone: UTC
            layers:
              - {name: l, users: [alice], rotation: 1w, start: "2025-01-06 00:00"}
        escalation_policies:
          - name: shop
            levels:
              - delay: 30m
                targets: [{{levelOne}}]
              - delay: 10m
                targets: [{user: bob}]
              - targets: [{user: carol}]
        """, "vigil.yml");

    private static readonly Incident Incident = new(7, "{}:{alertname=\"CheckoutDown\"}", "CheckoutDown", IncidentStatus.Triggered,
        Severity.Critical, "P1", LabelSet.Empty, "ops", T0, T0, null, null, null, null, []);

    [Theory]
    [InlineData("    contacts: [{chat: \"@alice\"}]", "{user: alice}", "alice: no contact method Vigil can deliver to (chat (a chat handle is not an address Vigil can send to))")]
    [InlineData("", "{user: alice}", "alice: no contact methods")]
    [InlineData("    contacts: [{email: alice@example.com}]", "{user: alice}", "alice: no contact method Vigil can deliver to (email (e-mail needs global.smtp_smarthost and global.smtp_from))")]
    [InlineData("", "{schedule: primary}", "ghost: not a user in the config")] // an override naming a user removed since
    public void A_level_no_page_reaches_is_passed_at_once(string alice, string levelOne, string why)
    {
        var config = Config(alice, levelOne);
        var book = new EscalationBook();
        book.Load([Escalator.Start(Incident.Id, config.EscalationPolicies[0], T0)], _ => null, config.EscalationPolicies);
        var people = new EscalationPeople(config, _ => null, new AlertIndex(), new Dictionary<string, string> { ["primary"] = "ghost" });

        var step = new ChangeSet();
        Assert.True(book.FireDue(Incident.Id, Incident, step, people, T0));
        book.Committed(step);

        // Level 2 is paged in the same step, and level 3 is due after level 2's delay, not level 1's.
        Assert.Equal("user:bob/webhook/0", Assert.Single(step.Outbox).Channel);
        var state = book.Current(Incident.Id)!;
        Assert.Equal((2, T0.AddMinutes(10)), (state.NextLevel, state.NextDueAt));
        Assert.Contains($"Level 1: nobody could be paged ({why}), moving on", step.Timeline.Select(t => t.Message));
    }

    [Fact]
    public void A_reassignment_to_someone_no_page_reaches_does_not_wait_the_delay()
    {
        var config = Config("    contacts: [{chat: \"@alice\"}]", "{user: bob}");
        var policy = config.EscalationPolicies[0];
        var book = new EscalationBook();
        book.Load([Escalator.Start(Incident.Id, policy, T0)], _ => null, config.EscalationPolicies);
        var people = new EscalationPeople(config, _ => null, new AlertIndex(), new Dictionary<string, string>());
        var first = new ChangeSet();
        book.FireDue(Incident.Id, Incident, first, people, T0);
        book.Committed(first);

        var reassign = new ChangeSet();
        book.Record(reassign, Incident, Escalator.Reassign(book.Current(Incident.Id)!, policy, "alice", "lead", T0.AddMinutes(1)), T0.AddMinutes(1), people);
        book.Committed(reassign);

        Assert.Empty(reassign.Outbox);
        Assert.Equal(T0.AddMinutes(1), book.Current(Incident.Id)!.NextDueAt);
        Assert.Contains("Nobody could be paged: the next level is paged at once", reassign.Timeline.Select(t => t.Message));
    }
}
