namespace Bulwark.Drills.Switches;

/// <summary>What to do to a dependency.</summary>
public enum DependencyFault
{
    /// <summary>Hard down: connections fail at once (a crashed process, a refused port).</summary>
    Down,

    /// <summary>Hung: connections open but answers never come (a pulled cable, a locked database).</summary>
    Blackhole,

    /// <summary>Slow: every answer takes the given latency (a database taking 20 seconds).</summary>
    Slow,

    /// <summary>Failing: every request is answered at once with a server error (a service up but broken), where the switch can do that.</summary>
    Errors,
}
