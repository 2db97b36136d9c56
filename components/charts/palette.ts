/** Okabe–Ito colours: distinguishable with the common forms of colour blindness. */
export const STATUS_COLORS = { new: '#E69F00', assigned: '#0072B2', resolved: '#009E73' } as const;
