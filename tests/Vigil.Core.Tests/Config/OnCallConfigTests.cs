using Vigil.Core.Config;
using Vigil.Core.OnCall;

namespace Vigil.Core.Tests.Config;

public class OnCallConfigTests
{
    private const string Base = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    private const string Valid = Base + """
        users:
          - name: alice
            full_name: Alice Liddell
            time_zone: Europe/Berlin
            contacts:
              - email: alice@example.com
              - webhook: https://hooks.example.com/alice
              - chat: "@alice"
          - name: bob
        teams:
          - name: payments
            members:
              - user: alice
                role: manager
              - bob
        services:
          - name: checkout
            team: payments
            escalation_policy: payments-default
        schedules:
          - name: payments-primary
            team: payments
            time_zone: Europe/Berlin
            layers:
              - name: weekly
                users: [alice, bob]
                rotation: 1w
                start: 2025-01-06 09:00
              - name: business-hours
                users: [bob]
                rotation: 1d
                start: 2025-01-06T09:00
                restrictions:
                  - daily: "22:00-06:00"
                  - weekly: "Mon 09:00-Fri 17:00"
        escalation_policies:
          - name: payments-default
            levels: [{targets: [{schedule: payments-primary}]}]
        """;

    private static IReadOnlyList<ConfigError> Errors(string yaml) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "vigil.yml")).Errors;

    [Fact]
    public void Users_teams_services_and_schedules_load()
    {
        var directory = ConfigLoader.Parse(Valid, "vigil.yml").OnCall;

        var alice = directory.FindUser("alice")!;
        Assert.Equal(("Alice Liddell", "Europe/Berlin"), (alice.FullName, alice.TimeZone.Id));
        Assert.Equal([ContactKind.Email, ContactKind.Webhook, ContactKind.Chat], alice.Contacts.Select(c => c.Kind));
        Assert.Equal(("bob", TimeZoneInfo.Utc), (directory.FindUser("bob")!.FullName, directory.FindUser("bob")!.TimeZone));
        Assert.Equal([new TeamMember("alice", TeamRole.Manager), new TeamMember("bob", TeamRole.Member)], directory.MembersOf("payments"));
        Assert.Equal(new ServiceOwnership("checkout", "payments", "payments-default"), directory.OwnerOf("checkout"));
        var schedule = directory.FindSchedule("payments-primary")!;
        Assert.Equal(("payments", "Europe/Berlin", 2), (schedule.Team, schedule.TimeZone.Id, schedule.Layers.Count));
        Assert.Equal(new TurnLength(1, TurnUnit.Weeks), schedule.Layers[0].Turn);
        Assert.Equal(new DateTime(2025, 1, 6, 9, 0, 0), schedule.Layers[1].Start);
        Assert.Equal([Restriction.Daily(new(22, 0), new(6, 0)), Restriction.Week(DayOfWeek.Monday, new(9, 0), DayOfWeek.Friday, new(17, 0))],
            schedule.Layers[1].Restrictions);
    }

    [Fact]
    public void Without_the_sections_the_directory_is_empty()
    {
        Assert.Same(OnCallDirectory.Empty, ConfigLoader.Parse(Base, "vigil.yml").OnCall);
    }

    [Fact]
    public void An_invalid_webhook_url_is_not_echoed()
    {
        // Without a scheme it is no absolute URL; the message reached stderr, the reload's 400 and the log with the token.
        var error = Assert.Single(Errors(Base + "users:\n  - name: alice\n    contacts:\n      - webhook: hooks.slack.com/services/T000/B000/ALICESECRET\n"));

        Assert.Equal((8, 18), (error.Line, error.Column));
        Assert.DoesNotContain("ALICESECRET", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.slack.com", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("invalid webhook URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("teams:\n  - name: t\n    members: [zed]\n", 7, "team \"t\" lists unknown user \"zed\"")]
    [InlineData("users:\n  - name: a\n  - name: a\n", 7, "duplicate name \"a\" in \"users\"")]
    [InlineData("users:\n  - name: a\n    contacts:\n      - email: not-an-address\n", 8, "invalid email address \"not-an-address\"")]
    [InlineData("users:\n  - name: a\n    contacts:\n      - webhook: ftp://x\n", 8, "invalid webhook URL")]
    [InlineData("users:\n  - name: a\n    contacts:\n      - pager: 123\n", 8, "unknown contact type \"pager\"")]
    [InlineData("users:\n  - name: a\n    time_zone: Mars/Olympus\n", 7, "unknown time zone \"Mars/Olympus\"")]
    [InlineData("services:\n  - name: s\n    team: nobody\n", 7, "unknown team \"nobody\"")]
    [InlineData("schedules:\n  - name: s\n    time_zone: UTC\n    layers:\n      - users: [ghost]\n        rotation: 1d\n        start: 2025-01-01 00:00\n", 9, "unknown user \"ghost\"")]
    [InlineData("schedules:\n  - name: s\n    time_zone: UTC\n    layers:\n      - rotation: 3 days\n        start: 2025-01-01 00:00\n", 9, "invalid rotation \"3 days\"")]
    [InlineData("schedules:\n  - name: s\n    time_zone: UTC\n    layers:\n      - rotation: 1d\n        start: 2025-01-01T00:00+02:00\n", 10, "invalid start")]
    [InlineData("schedules:\n  - name: s\n    time_zone: UTC\n    layers:\n      - rotation: 1d\n        start: 2025-01-01 00:00\n        restrictions:\n          - weekly: \"Mon 9-Fri 5\"\n", 12, "invalid weekly restriction")]
    [InlineData("schedules:\n  - name: s\n    time_zone: Asia/Tokyo\n    layers:\n      - rotation: 12h\n        start: 0001-01-01 00:00\n", 10, "start \"0001-01-01 00:00\" is outside the years 1900-8999")]
    [InlineData("schedules:\n  - name: s\n    time_zone: America/New_York\n    layers:\n      - rotation: 1d\n        start: 9999-12-31 23:00\n", 10, "start \"9999-12-31 23:00\" is outside the years 1900-8999")]
    [InlineData("schedules:\n  - name: s\n    layers: []\n", 6, "needs a \"time_zone\"")]
    [InlineData("teams:\n  - name: t\n    members:\n      - user: x\n        role: boss\n", 9, "unknown team role \"boss\"")]
    public void Invalid_on_call_config_is_reported_with_its_line(string section, int line, string message)
    {
        var errors = Errors(Base + section);

        Assert.Contains(errors, e => e.Line == line && e.Message.Contains(message, StringComparison.Ordinal));
    }
}
