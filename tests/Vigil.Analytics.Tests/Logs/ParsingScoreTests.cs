using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

public sealed class ParsingScoreTests
{
    [Fact]
    public void Perfect_parse_scores_one_everywhere()
    {
        string[] truth = ["a <*>", "a <*>", "b"];
        var score = ParsingScore.Compute(truth, truth);
        Assert.Equal((1.0, 1.0, 1.0, 1.0), (score.GroupingAccuracy, score.ParsingAccuracy, score.GroupingF1, score.TemplateF1));
    }

    [Fact]
    public void Hand_computed_example()
    {
        // Truth groups: A = {1,2,3}, B = {4,5}, C = {6}.
        // Predicted:    X = {1,2,3} (text equals A), Y = {4} (text equals B), Z = {5,6}.
        string[] truth = ["A <*>", "A <*>", "A <*>", "B", "B", "C"];
        string[] predicted = ["A <*>", "A <*>", "A <*>", "B", "Z", "Z"];
        var score = ParsingScore.Compute(truth, predicted);
        // GA: only A is grouped exactly -> 3 of 6 lines.
        Assert.Equal(0.5, score.GroupingAccuracy, 6);
        // PA: lines 1-4 have the right text -> 4 of 6.
        Assert.Equal(4.0 / 6, score.ParsingAccuracy, 6);
        // FGA: 1 correct group; precision 1/3 predicted groups, recall 1/3 true groups -> F1 1/3.
        Assert.Equal(1.0 / 3, score.GroupingF1, 6);
        // FTA, as the Loghub-2.0 evaluator counts it: a predicted template is right when all its lines belong to one
        // true template and its text is that template's. X (A's lines, A's text) and Y (only B lines, B's text) are;
        // Z is not -> precision 2/3, recall 2/3.
        Assert.Equal(2.0 / 3, score.TemplateF1, 6);
        Assert.Equal((6, 3, 3), (score.Lines, score.TruthTemplates, score.PredictedTemplates));
    }

    [Fact]
    public void Grouping_ignores_template_text()
    {
        string[] truth = ["A", "A", "B"];
        string[] predicted = ["x", "x", "y"];
        var score = ParsingScore.Compute(truth, predicted);
        Assert.Equal(1.0, score.GroupingAccuracy);
        Assert.Equal(0.0, score.ParsingAccuracy);
        Assert.Equal(1.0, score.GroupingF1);
        Assert.Equal(0.0, score.TemplateF1);
    }

    [Theory]
    [InlineData(" connect  to <*>:<*> ", "connect to <*>")]
    [InlineData("at <*> <*> <*>", "at <*>")]
    [InlineData("v<*>.<*>.<*>", "v<*>")]
    public void Normalisation_follows_the_Loghub_2_evaluator(string template, string expected) =>
        Assert.Equal(expected, ParsingScore.Normalize(template));

    [Fact]
    public void Lists_of_different_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => ParsingScore.Compute(["a"], []));
}
