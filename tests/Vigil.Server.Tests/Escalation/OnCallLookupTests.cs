using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// Every escalation step looks up who is on call on every schedule first. A schedule that could not be worked out
/// (a layer starting in year 1 east of UTC did that, found by a review) used to fail the lookup, and with it every
/// step of every incident: nobody was paged.
/// </summary>
public sealed class OnCallLookupTests : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 0s
          escalation_policy: primary-first
        receivers:
          - name: default
        users:
          # A webhook: e-mail without global.smtp_* reaches nobody, and such a level is passed at once.
          - {name: alice, full_name: Alice, contacts: [{webhook: "http://127.0.0.1:9/alice"}]}
          - {name: bob, full_name: Bob}
        escalation_policies:
          - name: primary-first
            levels:
              - targets: [{schedule: primary}]
        schedules:
          - name: broken
            time_zone: Asia/Tokyo
            layers:
              - {name: l, users: [bob], rotation: 12h, start: "2025-01-06 00:00"}
          - name: primary
            time_zone: UTC
            layers:
              - {name: l, users: [alice], rotation: 1w, start: "2025-01-06 00:00"}
        """;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task A_failed_read_of_a_schedule_retries_the_step_instead_of_passing_its_level()
    {
        var services = _vigil.Services;
        var real = services.GetRequiredService<IVigilStore>();
        // Storage fails the first three reads of "primary"'s overrides (a blip): the step is retried until the reads
        // work, then pages. Before, a failed read counted as "nobody on call": the level was passed and the policy
        // exhausted without paging alice.
        var (store, hook) = InterceptedStore.Wrap(real);
        var failures = 0;
        hook.FailsRead = (method, args) => method == nameof(IVigilStore.ListOverridesAsync) && args is ["primary", ..] && Interlocked.Increment(ref failures) <= 3;
        await using var pipeline = await _vigil.StartPipelineAsync(store);
        var now = DateTimeOffset.UtcNow;

        await pipeline.IngestAsync([new Alert(LabelSet.From(("alertname", "Down")), LabelSet.Empty, now, now.AddHours(1), "", now)], CancellationToken.None);

        var timeline = "";
        await Eventually.TrueAsync(async () =>
        {
            var open = await real.ListIncidentsAsync(new IncidentQuery([IncidentStatus.Triggered], 10));
            timeline = open.Count == 0 ? "" : string.Join("\n", (await real.GetTimelineAsync(open[0].Id)).Select(t => t.Message));
            return timeline.Contains("Paged alice", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), () => "alice, on call on primary, is paged once the reads work; timeline:\n" + timeline);
        Assert.True(failures >= 3, "the reads failed first");
        Assert.DoesNotContain("nobody is on call", timeline, StringComparison.Ordinal);
    }
}
