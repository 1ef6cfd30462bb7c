using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Slo;

/// <summary>Examples from the OpenSLO specification (see Examples/README.md) parse and survive a round trip.</summary>
public class OpenSloExampleTests
{
    public static TheoryData<string> ExampleFiles() => new(Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "Slo", "Examples"), "*.yaml")
        .Select(Path.GetFileName)
        .Order(StringComparer.Ordinal)!);

    private static string ReadExample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Slo", "Examples", name));

    [Fact]
    public void All_six_examples_are_present() => Assert.Equal(6, ExampleFiles().Count);

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Spec_example_parses_without_errors(string name)
    {
        var file = OpenSloParser.Parse(ReadExample(name), name);

        Assert.Empty(file.Errors.Select(e => e.ToString()));
        Assert.NotEmpty(file.Objects);
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void Spec_example_round_trips_to_an_equal_model(string name)
    {
        var parsed = OpenSloParser.Parse(ReadExample(name), name).Objects;

        var yaml = OpenSloSerializer.Serialize(parsed);
        var reparsed = OpenSloParser.Parse(yaml, "serialised.yaml");

        Assert.Empty(reparsed.Errors);
        Assert.Equal(parsed, reparsed.Objects);
    }

    [Fact]
    public void Vigil_sample_round_trips_with_references_labels_annotations_and_calendar_window()
    {
        var catalog = OpenSloCatalog.Parse(SloSamples.Checkout, "checkout.yaml");
        Assert.Empty(catalog.Errors);

        var again = OpenSloCatalog.Parse(OpenSloSerializer.Serialize(catalog.Objects), "again.yaml");

        Assert.Empty(again.Errors);
        Assert.Equal(catalog.Objects, again.Objects);
        Assert.Equal(8, again.Objects.Count);
    }

    [Fact]
    public void Round_trip_equality_notices_a_changed_value()
    {
        var slo = OpenSloCatalog.Parse(SloSamples.Checkout, "checkout.yaml").Slos.First();
        var changed = slo with { Objectives = new([slo.Objectives[0] with { Target = 0.99 }]) };

        Assert.NotEqual(slo, changed);
        Assert.Equal(slo, slo with { Objectives = new([slo.Objectives[0] with { }]) });
    }

    [Fact]
    public void Readme_inline_sli_example_reads_into_the_model()
    {
        var slo = Assert.IsType<ServiceLevelObjective>(Assert.Single(OpenSloParser.Parse(ReadExample("readme-inline-sli.yaml"), "x").Objects));

        Assert.Equal(("foo-slo", "foo", 0.98), (slo.Name, slo.Service, slo.Objectives[0].Target));
        Assert.Equal(TimeWindow.Default, slo.TimeWindow);
        var ratio = slo.Indicator!.Ratio!;
        Assert.True(ratio.Counter);
        Assert.Equal("datadog-datasource", ratio.Good!.Ref);
        Assert.Equal("sum:trace.http.request.hits.by_http_status{*}.as_count()", ratio.Total!.Query);
    }

    [Fact]
    public void Timeslices_example_has_a_calendar_window_in_its_zone()
    {
        var slo = (ServiceLevelObjective)OpenSloParser.Parse(ReadExample("timeslices-slo.yaml"), "x").Objects[0];

        Assert.False(slo.TimeWindow.IsRolling);
        Assert.Equal(new CalendarAlignment(new DateTime(2022, 1, 1, 12, 0, 0), "America/New_York"), slo.TimeWindow.Calendar);
        Assert.Equal(BudgetingMethod.Timeslices, slo.BudgetingMethod);
        Assert.Equal([0.99, 0.99], slo.Objectives.Select(o => o.TimeSliceTarget!.Value));
    }

    [Fact]
    public void Readme_alerting_objects_resolve_their_references()
    {
        var catalog = OpenSloCatalog.Parse(ReadExample("readme-alerting.yaml"), "alerting.yaml");

        Assert.Empty(catalog.Errors);
        var policy = catalog.Find<AlertPolicy>("AlertPolicy", "AlertPolicy")!;
        var condition = catalog.ConditionOf(policy)!;
        Assert.Equal(new BurnRateCondition(ComparisonOperator.Lte, 2, new SloDuration(1, DurationUnit.Hour), SloDuration.Minutes(5)), condition.Condition);
    }
}
