using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

public sealed class TemplateTextTests
{
    [Theory]
    [InlineData("  a   b ", "a b")]
    [InlineData("attempt_<*>_m_<*> done", "<*> done")]
    [InlineData("size 42 and port:<*>", "size <*> and port:<*>")]
    [InlineData("<*>.<*>.<*> and <*><*>", "<*> and <*>")]
    [InlineData("read /usr/lib/x.so ok", "read <*> ok")]
    [InlineData("(uid=<*>) core.<*>", "(uid=<*>) core.<*>")]
    public void Templates_follow_the_Loghub_2_conventions(string input, string expected) =>
        Assert.Equal(expected, TemplateText.Canonicalize(input));

    [Fact]
    public void Parameters_come_back_in_order()
    {
        Assert.Equal(["blk_1", "10.0.0.1:5"], TemplateParameters.Extract("Receiving block <*> src: <*>", "Receiving  block blk_1 src: 10.0.0.1:5"));
        Assert.Empty(TemplateParameters.Extract("Receiving block <*>", "something else"));
    }
}
