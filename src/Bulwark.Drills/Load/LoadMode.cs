namespace Bulwark.Drills.Load;

/// <summary>How a load run paces its requests.</summary>
public enum LoadMode
{
    /// <summary>N workers, each sends its next request when the previous one answered: load drops when the target slows.</summary>
    ClosedLoop,

    /// <summary>Requests start on a fixed schedule whatever the target does: a slow target piles up work, as real users do.</summary>
    OpenLoop,
}
