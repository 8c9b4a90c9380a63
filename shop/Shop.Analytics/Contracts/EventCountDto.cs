namespace Shop.Analytics.Contracts;

/// <summary>How many events of one type the analytics module has counted.</summary>
public sealed record EventCountDto(string EventType, long Count);
