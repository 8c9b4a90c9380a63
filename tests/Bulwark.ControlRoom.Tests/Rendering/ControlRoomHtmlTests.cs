using Bulwark.ControlRoom.Rendering;

namespace Bulwark.ControlRoom.Tests.Rendering;

public sealed class ControlRoomHtmlTests
{
    [Fact]
    public void Text_FromAMessage_IsEncoded_NeverMarkup()
    {
        var html = new ControlRoomHtml("/control", "/control/panels/p/", "__token", "t\"ok");

        html.Cell("<img src=x onerror=alert(1)>");
        html.Details("<b>", "</pre><script>x</script>");
        html.ActionButton("redrive", "Redrive", "Redrive \"42\"", ("id", "\"><script>"));

        var text = html.ToString();
        Assert.DoesNotContain("<img", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
        Assert.Contains("name=\"__token\" value=\"t&quot;ok\"", text, StringComparison.Ordinal);
        Assert.Contains("action=\"/control/panels/p/redrive\"", text, StringComparison.Ordinal);
    }
}
