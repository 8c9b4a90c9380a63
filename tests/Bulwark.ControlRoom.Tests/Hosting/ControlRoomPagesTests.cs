using Bulwark.ControlRoom.Hosting;

namespace Bulwark.ControlRoom.Tests.Hosting;

public sealed class ControlRoomPagesTests
{
    [Theory]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("  4BF92F3577B34DA6A3CE929D0E0E4736 ", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473", null)]
    [InlineData("<script>alert(1)</script>", null)]
    [InlineData(null, null)]
    public void NormalizeTraceId_AcceptsAnIdOrATraceparent_AndNothingElse(string? input, string? expected) =>
        Assert.Equal(expected, ControlRoomPages.NormalizeTraceId(input));
}
