// Figures module.
