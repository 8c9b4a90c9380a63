namespace Bulwark.Drills.Switches;

/// <summary>A dependency that can say how many requests reached it, so a drill can see retry amplification.</summary>
public interface IRequestCountingDependency
{
    /// <summary>Requests the dependency has handled since it started (cumulative).</summary>
    Task<long> GetRequestCountAsync(CancellationToken cancellationToken);
}
