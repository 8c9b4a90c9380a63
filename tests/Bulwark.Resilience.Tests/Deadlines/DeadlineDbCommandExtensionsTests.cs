using Bulwark.Resilience.Deadlines;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Resilience.Tests.Deadlines;

public sealed class DeadlineDbCommandExtensionsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void WithDeadline_TimeLeft_BoundsTheCommandTimeout()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        using var command = connection.CreateCommand();
        command.CommandTimeout = 30;
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromMilliseconds(2500), _time), _time, CancellationToken.None);
        Assert.Equal(3, command.WithDeadline(_time).CommandTimeout);
    }

    [Fact]
    public void WithDeadline_Spent_ThrowsBeforeTheCommandRuns()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        using var command = connection.CreateCommand();
        using var scope = DeadlineContext.Begin(Deadline.After(TimeSpan.FromSeconds(1), _time), _time, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Throws<DeadlineExceededException>(() => command.WithDeadline(_time));
    }

    [Fact]
    public void WithDeadline_NoDeadline_LeavesTheTimeoutAlone()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        using var command = connection.CreateCommand();
        command.CommandTimeout = 30;
        Assert.Equal(30, command.WithDeadline(_time).CommandTimeout);
    }
}
