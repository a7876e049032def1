"""The invented demo city Wiesenbrück: people, meetings, surveys, action fields."""
