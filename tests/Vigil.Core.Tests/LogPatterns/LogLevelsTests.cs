using Vigil.Core.LogPatterns;

namespace Vigil.Core.Tests.LogPatterns;

public sealed class LogLevelsTests
{
    [Theory]
    [InlineData("ERROR", null, "error")]
    [InlineData("Warning", null, "warn")]
    [InlineData("crit", null, "fatal")]
    [InlineData(null, "081109 203615 148 INFO dfs.DataNode$PacketResponder: Received block", "info")]
    [InlineData(null, "2024-01-01 12:00:00 [ERROR] db: connection lost", "error")]
    [InlineData(null, "level=warn msg=slow", "warn")]
    [InlineData(null, "the alert was sent and an error logged", "")]
    [InlineData("bogus", "plain words", "")]
    public void Level_comes_from_the_sender_or_the_line_header(string? declared, string? line, string expected) =>
        Assert.Equal(expected, LogLevels.Guess(declared, line ?? ""));

    [Theory]
    [InlineData("info", "Receiving block <*> src: <*> dest: <*>", ErrorLook.None)]
    [InlineData("info", "Connection refused to <*>", ErrorLook.Error)]
    [InlineData("", "Request <*> timed out after <*>", ErrorLook.Error)]
    [InlineData("", "java.io.IOException: Broken pipe", ErrorLook.Error)]
    [InlineData("", "ValueError: bad input <*>", ErrorLook.Error)]
    [InlineData("error", "something odd", ErrorLook.Error)]
    [InlineData("", "panic: runtime error: index out of range", ErrorLook.Fatal)]
    [InlineData("fatal", "shutting down", ErrorLook.Fatal)]
    [InlineData("debug", "retry failed, will try again", ErrorLook.None)]
    [InlineData("info", "Completed with errors=0", ErrorLook.None)]
    public void Templates_look_like_errors_by_level_or_words(string level, string template, ErrorLook expected) =>
        Assert.Equal(expected, LogLevels.Classify(level, template));
}
