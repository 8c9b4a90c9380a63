namespace Bulwark.AspNetCore.Health;

/// <summary>Tags that place a health check in a probe.</summary>
public static class HealthTags
{
    /// <summary>The check guards readiness: a critical local dependency such as the database or the broker.</summary>
    public const string Ready = "ready";
}
