using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Vigil.Core.OnCall;

namespace Vigil.Server.OnCall;

/// <summary>
/// RFC 5545 feed of a final schedule, one VEVENT per entry, written by Ical.Net (escaping and 75-octet line folding).
/// UIDs are stable per (schedule, user, start) so calendar clients update events instead of duplicating them.
/// </summary>
public static class ICalendarFeed
{
    public static string Write(FinalView view, OnCallDirectory directory, DateTimeOffset now)
    {
        var calendar = new Calendar { ProductId = "-//Vigil//On-call schedule//EN" };
        calendar.AddProperty("X-WR-CALNAME", $"On call: {view.Schedule.Name}");
        foreach (var e in view.Entries)
        {
            var who = directory.FindUser(e.User)?.FullName ?? e.User;
            var why = e.Source switch
            {
                EntrySource.Override => "override",
                EntrySource.Swap => $"swap (layer {e.Layer})",
                _ => $"layer {e.Layer}",
            };
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{view.Schedule.Name}/{e.User}/{e.Start.UtcTicks}@vigil",
                Summary = $"On call: {who}",
                Description = $"{who} ({e.User}) is on call for schedule {view.Schedule.Name}; source: {why}.",
                DtStart = new CalDateTime(e.Start.UtcDateTime),
                DtEnd = new CalDateTime(e.End.UtcDateTime),
                DtStamp = new CalDateTime(now.UtcDateTime),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}
