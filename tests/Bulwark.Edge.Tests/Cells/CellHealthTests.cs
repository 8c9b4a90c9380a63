using Bulwark.Edge.Cells;

namespace Bulwark.Edge.Tests.Cells;

public sealed class CellHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NotAnswered_InARowUpToTheThreshold_TakesTheCellDownOnce()
    {
        var health = new CellHealth("cell-b");
        Assert.False(health.NotAnswered(3, "refused", Now));
        health.Answered();
        Assert.False(health.NotAnswered(3, "refused", Now));
        Assert.False(health.NotAnswered(3, "refused", Now));
        Assert.True(health.NotAnswered(3, "refused", Now));
        Assert.False(health.NotAnswered(3, "refused", Now));
        Assert.False(health.IsUp);
        Assert.Contains("3 customer requests", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Probed_FailuresTakeItDown_APassBringsItBack()
    {
        var health = new CellHealth("cell-b");
        Assert.False(health.Probed(false, 2, "503", Now));
        Assert.True(health.Probed(false, 2, "503", Now));
        Assert.False(health.IsUp);
        // A customer's answer does not revive it (a down cell gets no customer requests); a probe does.
        health.Answered();
        Assert.False(health.IsUp);
        Assert.True(health.Probed(true, 2, "200", Now));
        Assert.True(health.IsUp);
        Assert.Null(health.Reason);
    }

    [Fact]
    public void Customer_FromBearerTokenClaim_ElseHeader_ElseAnonymous()
    {
        var options = new CellsOptions();
        var payload = Convert.ToBase64String("""{"sub":"7d0c","iss":"bulwark-shop"}"""u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Headers.Authorization = $"Bearer e30.{payload}.signature";
        context.Request.Headers["X-Customer-Id"] = "header-customer";
        Assert.Equal("7d0c", CellStep.Customer(context.Request, options));

        context.Request.Headers.Authorization = "Bearer not-a-jwt";
        Assert.Equal("header-customer", CellStep.Customer(context.Request, options));

        context.Request.Headers.Remove("X-Customer-Id");
        Assert.Null(CellStep.Customer(context.Request, options));
    }
}
