DROP TABLE send_pace;
