using Vigil.Core.Alerts;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Alerts;

public class AlertMergeTests
{
    private static Alert Make(DateTimeOffset starts, DateTimeOffset ends, DateTimeOffset updated, bool timeout = false) =>
        new(Labels(("alertname", "x")), LabelSet.Empty, starts, ends, "", updated, timeout);

    [Fact]
    public void First_copy_is_stored_as_is()
    {
        var alert = Make(T0, T0.AddMinutes(5), T0);
        Assert.Same(alert, AlertMerge.Combine(null, alert));
    }

    [Fact]
    public void Resend_with_same_start_keeps_earliest_start_and_takes_newer_end()
    {
        var stored = Make(T0, T0.AddMinutes(5), T0, timeout: true);
        var resend = Make(T0, T0.AddMinutes(6), T0.AddMinutes(1), timeout: true);

        var merged = AlertMerge.Combine(stored, resend);

        Assert.Equal(T0, merged.StartsAt);
        Assert.Equal(T0.AddMinutes(6), merged.EndsAt);
    }

    [Fact]
    public void Explicit_later_end_beats_a_derived_one()
    {
        var stored = Make(T0, T0.AddMinutes(30), T0, timeout: false);
        var resend = Make(T0, T0.AddMinutes(6), T0.AddMinutes(1), timeout: true);

        var merged = AlertMerge.Combine(stored, resend);

        Assert.Equal(T0.AddMinutes(30), merged.EndsAt);
        Assert.False(merged.Timeout);
    }

    [Fact]
    public void Alert_firing_again_after_resolution_replaces_the_stored_one()
    {
        var stored = Make(T0, T0.AddMinutes(5), T0.AddMinutes(5));
        var again = Make(T0.AddMinutes(20), T0.AddMinutes(25), T0.AddMinutes(20));

        Assert.Equal(again, AlertMerge.Combine(stored, again));
    }

    [Fact]
    public void Resolution_inside_the_active_range_ends_the_alert()
    {
        var stored = Make(T0, T0.AddMinutes(5), T0, timeout: true);
        var resolve = Make(T0, T0.AddMinutes(2), T0.AddMinutes(2));

        var merged = AlertMerge.Combine(stored, resolve);

        Assert.True(merged.IsResolvedAt(T0.AddMinutes(2)));
        Assert.Equal(T0, merged.StartsAt);
    }
}

public class AlertMergeSharingTests
{
    [Fact]
    public void A_resend_keeps_the_stored_label_annotation_and_url_instances_when_they_are_equal()
    {
        Alert Copy(string summary) => new(
            LabelSet.From(("alertname", new string("Disk".AsSpan()))), LabelSet.From(("summary", new string(summary.AsSpan()))),
            TestData.T0, TestData.T0.AddMinutes(5), new string("http://prom".AsSpan()), TestData.T0, Timeout: true);
        var stored = Copy("full");

        var same = AlertMerge.Combine(stored, Copy("full") with { EndsAt = TestData.T0.AddMinutes(6), UpdatedAt = TestData.T0.AddMinutes(1) });
        Assert.Same(stored.Labels, same.Labels);
        Assert.Same(stored.Annotations, same.Annotations);
        Assert.Same(stored.GeneratorUrl, same.GeneratorUrl);
        Assert.Equal(TestData.T0.AddMinutes(6), same.EndsAt);

        var changed = AlertMerge.Combine(stored, Copy("fuller") with { UpdatedAt = TestData.T0.AddMinutes(1) });
        Assert.Same(stored.Labels, changed.Labels);
        Assert.Equal("fuller", changed.Annotations["summary"]);
    }
}
