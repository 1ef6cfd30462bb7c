using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>Escalation rows: keyed by incident, last write in a commit wins, deletes remove them, times are exact.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Escalations_round_trip_replace_and_delete()
    {
        Assert.Empty(await Store.ListEscalationsAsync());
        var start = new DateTimeOffset(2026, 3, 29, 0, 59, 59, 123, TimeSpan.FromHours(1)).AddTicks(4560); // whole microseconds: PostgreSQL keeps no finer
        var first = new EscalationState(1, "shop", EscalationStatus.Escalating, 1, 0, start.AddMinutes(5), 1, start);
        var second = new EscalationState(2, "db", EscalationStatus.Acknowledged, 0, 2, null, 7, start);
        await Apply(Changes(c =>
        {
            c.Escalations.Add(first with { Steps = 0 });
            c.Escalations.Add(first);
            c.Escalations.Add(second);
        }));

        await ReopenAsync();
        Assert.Equal([first, second], await Store.ListEscalationsAsync());

        var exhausted = first with { Status = EscalationStatus.Exhausted, NextDueAt = null, NextLevel = 1, Cycle = 1, Steps = 3 };
        // Two commits applied together: the later one's delete of incident 2 wins over nothing, the update of 1 lands.
        await Apply(Changes(c => c.Escalations.Add(exhausted)), Changes(c => c.DeletedEscalations.Add(2)));
        Assert.Equal([exhausted], await Store.ListEscalationsAsync());

        // Within one set deletes go first: deleting and re-writing keeps the row.
        await Apply(Changes(c =>
        {
            c.DeletedEscalations.Add(1);
            c.Escalations.Add(exhausted with { Steps = 4 });
        }));
        Assert.Equal(4, Assert.Single(await Store.ListEscalationsAsync()).Steps);
    }

    [Fact]
    public async Task Escalations_of_resolved_or_missing_incidents_are_listed_smallest_first_up_to_the_limit()
    {
        var start = new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero);
        EscalationState Ended(long id) => new(id, "shop", EscalationStatus.Ended, 1, 0, null, 2, start);
        await Apply(Changes(c =>
        {
            c.Incidents.Add(Incident(1, IncidentStatus.Resolved));
            c.Incidents.Add(Incident(2, IncidentStatus.Triggered));
            c.Incidents.Add(Incident(3, IncidentStatus.Acknowledged));
            c.Incidents.Add(Incident(4, IncidentStatus.Resolved));
            c.Incidents.Add(Incident(6, IncidentStatus.Resolved));
            foreach (var id in new long[] { 1, 2, 3, 4, 5 })
            {
                c.Escalations.Add(Ended(id));
            }
        }));

        // 5 has no incident row; 6 is resolved but has no escalation; open incidents keep theirs.
        Assert.Equal([1L, 4, 5], await Store.ListEscalationsOfResolvedIncidentsAsync(10));
        Assert.Equal([1L, 4], await Store.ListEscalationsOfResolvedIncidentsAsync(2));
        Assert.Empty(await Store.ListEscalationsOfResolvedIncidentsAsync(0));

        await Apply(Changes(c => c.Incidents.Add(Incident(4, IncidentStatus.Triggered) with { UpdatedAt = At(9, 9) })));
        Assert.Equal([1L, 5], await Store.ListEscalationsOfResolvedIncidentsAsync(10));
    }
}
