"""The isotropic NESS of df/dt = (1-gamma) Q(f,f) + gamma Q(f,R): Bobylev's gain in a
Laguerre-function basis (``bobylev``), the solvers (``ness``), exact rational moments and the
Sonine reference density (``exact``), and Picard contraction (``contraction``).
"""
